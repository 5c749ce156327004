package org.spgateway.ig.build;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackageIndexBuilder;
import org.spgateway.ig.FhirPackage;
import org.spgateway.mappings.CodeSystems;

/**
 * Builds the gateway's FHIR NPM package at build time (Maven {@code process-classes}): reads the profiles authored as
 * JSON differentials in {@code src/main/fhir}, adds the CodeSystems and ValueSets generated from the Java code lists
 * ({@link GeneratedTerminology}), generates every StructureDefinition's snapshot with HAPI's snapshot generator against
 * FHIR R4 core, and writes {@code package/} (package.json, the resources, {@code example/}, {@code .index.json}) as a
 * directory and as a .tgz. Fails the build when a snapshot cannot be generated.
 *
 * <p>Arguments: source directory, staging directory, .tgz file, version.
 */
public final class IgPackageBuilder {

    private static final FhirContext FHIR = FhirContext.forR4();
    private static final ObjectMapper JSON = new ObjectMapper();

    private IgPackageBuilder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: IgPackageBuilder <source dir> <staging dir> <package.tgz> <version>");
        }
        Path source = Path.of(args[0]);
        Path staging = Path.of(args[1]);
        Path tgz = Path.of(args[2]);
        String version = args[3];
        long start = System.nanoTime();
        // R4 core comes from HAPI's jars; the package registry is not reachable, and the build must not wait on it
        org.hl7.fhir.utilities.settings.FhirSettings.setProhibitNetworkAccess(true);
        List<Resource> resources = new ArrayList<>(read(source));
        resources.addAll(GeneratedTerminology.all());
        for (Resource r : resources) {
            if (r instanceof MetadataResource m) {
                m.setVersion(version);
            }
        }
        snapshots(resources);
        resources.add(implementationGuide(resources, version));
        List<Resource> examples = read(source.resolve("examples"));
        write(staging, resources, examples, version);
        tar(staging, tgz);
        System.out.printf("FHIR package %s#%s: %d resources, %d examples, built in %d ms -> %s%n", FhirPackage.NAME, version,
                resources.size(), examples.size(), (System.nanoTime() - start) / 1_000_000, tgz);
    }

    private static List<Resource> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Resource> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                Resource r = (Resource) FHIR.newJsonParser().parseResource(Files.readString(file));
                String expected = r.fhirType() + "-" + r.getIdElement().getIdPart() + ".json";
                if (!file.getFileName().toString().equals(expected)) {
                    throw new IllegalStateException(file + " must be named " + expected + " (type-id.json, as in a package)");
                }
                out.add(r);
            }
        }
        return out;
    }

    /** Generates snapshots, extensions first (profiles use them), each added to the context for the next. */
    private static void snapshots(List<Resource> resources) {
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(FHIR);
        resources.stream().filter(r -> !(r instanceof StructureDefinition)).forEach(ours::addResource);
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR), ours,
                new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                new SnapshotGeneratingValidationSupport(FHIR));
        List<StructureDefinition> profiles = resources.stream().filter(StructureDefinition.class::isInstance)
                .map(StructureDefinition.class::cast)
                .sorted(Comparator.comparing((StructureDefinition sd) -> !"Extension".equals(sd.getType()))
                        .thenComparing(StructureDefinition::getId))
                .toList();
        for (StructureDefinition sd : profiles) {
            if (sd.hasSnapshot()) {
                throw new IllegalStateException("StructureDefinition/" + sd.getId() + ": author the differential only;"
                        + " the snapshot is generated");
            }
            IBaseResource generated = chain.generateSnapshot(new ValidationSupportContext(chain), sd, sd.getUrl(),
                    CodeSystems.PROJECT_BASE, sd.getName());
            StructureDefinition withSnapshot = (StructureDefinition) generated;
            if (withSnapshot == null || !withSnapshot.hasSnapshot() || withSnapshot.getSnapshot().getElement().isEmpty()) {
                throw new IllegalStateException("No snapshot could be generated for StructureDefinition/" + sd.getId());
            }
            sd.setSnapshot(withSnapshot.getSnapshot());
            ours.addResource(sd);
            chain.invalidateCaches();
        }
    }

    private static ImplementationGuide implementationGuide(List<Resource> resources, String version) {
        ImplementationGuide ig = new ImplementationGuide();
        ig.setId(FhirPackage.IG_ID);
        ig.setUrl(FhirPackage.IG_URL);
        ig.setVersion(version);
        ig.setName("SpgatewaySocialPrescribing");
        ig.setTitle("spgateway social prescribing gateway");
        ig.setStatus(Enumerations.PublicationStatus.ACTIVE);
        ig.setExperimental(false);
        ig.setPublisher("spgateway");
        ig.setDescription("Profiles, code systems and value sets of the spgateway social prescribing gateway (FHIR R4)."
                + " Based on FHIR R4 core; aligned with UK Core conventions and the HL7 SDOH Clinical Care referral"
                + " Task pattern without depending on their packages (docs/conformance.md).");
        ig.setPackageId(FhirPackage.NAME);
        ig.addFhirVersion(Enumerations.FHIRVersion._4_0_1);
        for (Resource r : resources) {
            var entry = ig.getDefinition().addResource();
            entry.getReference().setReference(r.fhirType() + "/" + r.getIdElement().getIdPart());
            if (r instanceof MetadataResource m) {
                entry.setName(m.hasTitle() ? m.getTitle() : m.getName());
                entry.setDescription(m.getDescription());
            }
            entry.getExampleBooleanType().setValue(false);
        }
        return ig;
    }

    private static void write(Path staging, List<Resource> resources, List<Resource> examples, String version)
            throws IOException {
        Path pkg = staging.resolve("package");
        if (Files.exists(staging)) {
            try (Stream<Path> old = Files.walk(staging)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(pkg.resolve("example"));
        IParser parser = FHIR.newJsonParser().setPrettyPrint(true);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Resource r : resources) {
            files.put(r.fhirType() + "-" + r.getIdElement().getIdPart() + ".json",
                    parser.encodeResourceToString(r).getBytes(StandardCharsets.UTF_8));
        }
        writeFolder(pkg, files);
        Map<String, byte[]> exampleFiles = new LinkedHashMap<>();
        for (Resource r : examples) {
            exampleFiles.put(r.fhirType() + "-" + r.getIdElement().getIdPart() + ".json",
                    parser.encodeResourceToString(r).getBytes(StandardCharsets.UTF_8));
        }
        writeFolder(pkg.resolve("example"), exampleFiles);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("name", FhirPackage.NAME);
        manifest.put("version", version);
        manifest.put("canonical", CodeSystems.PROJECT_BASE);
        manifest.put("url", CodeSystems.PROJECT_BASE);
        manifest.put("title", "spgateway social prescribing gateway");
        manifest.put("description", "Profiles, code systems and value sets of the spgateway FHIR R4 gateway for social"
                + " prescribing referrals");
        manifest.put("type", "fhir.ig");
        manifest.putArray("fhirVersions").add("4.0.1");
        manifest.putObject("dependencies").put("hl7.fhir.r4.core", "4.0.1");
        manifest.put("author", "spgateway");
        manifest.put("jurisdiction", "urn:iso:std:iso:3166#GB");
        manifest.putObject("directories").put("lib", "package").put("example", "package/example");
        Files.write(pkg.resolve("package.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    /** Writes the files and the folder's .index.json, as the FHIR package specification describes. */
    private static void writeFolder(Path folder, Map<String, byte[]> files) throws IOException {
        NpmPackageIndexBuilder index = new NpmPackageIndexBuilder();
        index.start(null);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
            index.seeFile(file.getKey(), file.getValue());
        }
        Files.writeString(folder.resolve(".index.json"), index.build());
    }

    private static void tar(Path staging, Path tgz) throws IOException {
        Files.createDirectories(tgz.getParent());
        try (OutputStream file = Files.newOutputStream(tgz);
             GZIPOutputStream gzip = new GZIPOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<Path> paths;
            try (Stream<Path> all = Files.walk(staging)) {
                paths = all.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : paths) {
                String name = staging.relativize(p).toString().replace('\\', '/');
                TarArchiveEntry entry = new TarArchiveEntry(name);
                byte[] bytes = Files.readAllBytes(p);
                entry.setSize(bytes.length);
                entry.setModTime(0); // reproducible: the same sources give the same bytes
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }
}
