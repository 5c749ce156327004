package org.spgateway.ig;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.spgateway.mappings.CodeSystems;

/**
 * The gateway's FHIR NPM package as built into this jar ({@code org/spgateway/ig/package.tgz}): its bytes, for
 * download, and its conformance resources (with snapshots) and examples, for the validator and the FHIR server.
 *
 * @param tgz       the package file as published
 * @param version   the package version (the project version)
 * @param resources the conformance resources in {@code package/}
 * @param examples  the examples in {@code package/example/}
 */
public record FhirPackage(byte[] tgz, String version, List<MetadataResource> resources, List<Resource> examples) {

    /** The package name (FHIR NPM package id). */
    public static final String NAME = "spgateway.fhir";
    public static final String IG_ID = "spgateway";
    public static final String IG_URL = CodeSystems.PROJECT_BASE + "/ImplementationGuide/" + IG_ID;
    static final String CLASSPATH = "/org/spgateway/ig/package.tgz";

    /** Reads the package from the classpath. */
    public static FhirPackage load(FhirContext fhir) {
        try (InputStream in = FhirPackage.class.getResourceAsStream(CLASSPATH)) {
            if (in == null) {
                throw new IllegalStateException("FHIR package " + CLASSPATH + " is not on the classpath: build the ig"
                        + " module (mvn -pl ig -am package), which generates it");
            }
            return read(fhir, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FhirPackage read(FhirContext fhir, byte[] tgz) throws IOException {
        List<MetadataResource> resources = new ArrayList<>();
        List<Resource> examples = new ArrayList<>();
        String version = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(new ByteArrayInputStream(tgz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (!name.endsWith(".json") || name.endsWith("/.index.json")) {
                    continue;
                }
                String json = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                if (name.equals("package/package.json")) {
                    version = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("version").asText();
                } else if (name.startsWith("package/example/")) {
                    examples.add((Resource) fhir.newJsonParser().parseResource(json));
                } else {
                    resources.add((MetadataResource) fhir.newJsonParser().parseResource(json));
                }
            }
        }
        return new FhirPackage(tgz, version, List.copyOf(resources), List.copyOf(examples));
    }

    /** The package's file name as registries name it: {@code spgateway.fhir-<version>.tgz}. */
    public String fileName() {
        return NAME + "-" + version + ".tgz";
    }

    /** The conformance resources of one type ({@code StructureDefinition}, {@code CodeSystem}...). */
    public List<MetadataResource> ofType(String type) {
        return resources.stream().filter(r -> r.fhirType().equals(type)).toList();
    }
}
