package org.spgateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CapabilityStatement is the contract: this test reads it from the running jar and exercises every interaction
 * and every search parameter it declares, for every resource type, and checks that what it does not declare answers
 * with an error and an OperationOutcome (never a silent success). Nothing is listed here by hand: a provider added to
 * the gateway appears in the statement and so in these tests (a type that can be created needs a sample in
 * {@link #SAMPLES}; the test says so when one is missing).
 */
class CapabilityStatementIT {

    /** Every type-level interaction FHIR R4 defines. */
    private static final List<String> TYPE_INTERACTIONS = List.of("read", "vread", "update", "patch", "delete",
            "history-instance", "history-type", "create", "search-type");

    /** A valid instance of each type a GP system may create, given a Patient id. */
    private static final Map<String, Function<String, Resource>> SAMPLES = Map.of(
            "Patient", p -> new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Sample")),
            "ServiceRequest", p -> new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                    .setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                    .addIdentifier(new Identifier().setSystem(GpSystem.REFERRAL_IDS).setValue("cs-" + System.nanoTime()))
                    .setSubject(new Reference("Patient/" + p)),
            "Consent", p -> new Consent().setStatus(Consent.ConsentState.ACTIVE)
                    .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)))
                    .addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "INFA", null)))
                    .addPolicy(new Consent.ConsentPolicyComponent().setUri("https://practice.example/privacy"))
                    .setPatient(new Reference("Patient/" + p)),
            "Condition", p -> new Condition().setSubject(new Reference("Patient/" + p))
                    .setCode(new CodeableConcept().setText("Low mood")),
            "Practitioner", p -> new Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Sample")),
            "Organization", p -> new Organization().setName("Sample Community Centre"),
            "Subscription", p -> {
                org.hl7.fhir.r4.model.Subscription s = new org.hl7.fhir.r4.model.Subscription()
                        .setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED)
                        .setReason("Completed referrals").setCriteria("Task?status=completed");
                s.getChannel().setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
                        .setEndpoint(CapabilityStatementIT.world.outside.baseUrl() + "/cs-subscriber").setPayload("application/fhir+json");
                return s;
            },
            "MedicationStatement", p -> new MedicationStatement()
                    .setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE)
                    .setMedication(new CodeableConcept().setText("Sertraline 50 mg"))
                    .setSubject(new Reference("Patient/" + p)));

    private static LoopWorld world;
    private static CapabilityStatement statement;
    private static LoopWorld.Completed done;
    private static String patientId;
    private static final Map<String, Resource> instances = new HashMap<>();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        world = LoopWorld.get();
        done = world.completedReferral();
        patientId = done.patientId();
        HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(world.gateway.fhirBase() + "/metadata"))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        statement = GpSystem.FHIR.newJsonParser().parseResource(CapabilityStatement.class, metadata.body());
    }

    @Test
    void theStatementDeclaresTheProfilesAndTheGuide() {
        assertThat(statement.getImplementationGuide()).extracting(PrimitiveType::getValue)
                .anyMatch(ig -> ig.startsWith("https://spgateway.org/fhir/ImplementationGuide/spgateway|"));
        Map<String, List<String>> profiles = resources().collect(Collectors.toMap(CapabilityStatementRestResourceComponent::getType,
                r -> r.getSupportedProfile().stream().map(p -> p.getValue().replaceAll("\\|.*", "")).toList()));
        assertThat(profiles.get("ServiceRequest")).containsExactly("https://spgateway.org/fhir/StructureDefinition/sp-referral");
        assertThat(profiles.get("Task")).containsExactly("https://spgateway.org/fhir/StructureDefinition/sp-referral-task");
        assertThat(profiles.get("Consent")).containsExactly("https://spgateway.org/fhir/StructureDefinition/sp-consent");
        assertThat(profiles.get("Observation")).hasSize(4);
        // every declared profile can be read back by its canonical url
        for (String url : profiles.values().stream().flatMap(List::stream).toList()) {
            Bundle found = search("StructureDefinition", "url=" + enc(url));
            assertThat(found.getEntry()).as(url).hasSize(1);
        }
    }

    @Test
    void theGpIntegrationGuidesInteractionTableIsTheStatement() throws Exception {
        String guide = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/gp-integration.md"));
        String table = guide.substring(guide.indexOf("<!-- interactions:begin"), guide.indexOf("<!-- interactions:end"));
        Map<String, String> documented = new java.util.TreeMap<>();
        table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| resource")).forEach(l -> {
            String[] cells = l.split("\\|", -1);
            documented.put(cells[1].trim(), sorted(cells[2]) + " / " + sorted(cells[3]));
        });
        Map<String, String> declared = new java.util.TreeMap<>();
        resources().forEach(r -> declared.put(r.getType(),
                sorted(r.getInteraction().stream().map(i -> i.getCode().toCode()).collect(Collectors.joining(","))) + " / "
                        + sorted(r.getSearchParam().stream().map(p -> p.getName()).collect(Collectors.joining(",")))));
        assertThat(documented).as("docs/gp-integration.md, the table between the interactions markers").isEqualTo(declared);
    }

    private static String sorted(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).sorted()
                .collect(Collectors.joining(","));
    }

    @TestFactory
    Stream<DynamicTest> everyDeclaredInteractionWorks() {
        List<DynamicTest> tests = new ArrayList<>();
        resources().forEach(r -> {
            for (var interaction : r.getInteraction()) {
                String code = interaction.getCode().toCode();
                tests.add(DynamicTest.dynamicTest(r.getType() + " " + code, () -> exercise(r, code)));
            }
            for (var param : r.getSearchParam()) {
                tests.add(DynamicTest.dynamicTest(r.getType() + "?" + param.getName(), () -> searchBy(r, param.getName())));
            }
        });
        for (var interaction : statement.getRestFirstRep().getInteraction()) {
            String code = interaction.getCode().toCode();
            tests.add(DynamicTest.dynamicTest("system " + code, () -> exerciseSystem(code)));
        }
        assertThat(tests).hasSizeGreaterThan(50);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> whatIsNotDeclaredAnswersWithAnErrorAndAnOperationOutcome() {
        List<DynamicTest> tests = new ArrayList<>();
        resources().forEach(r -> {
            Set<String> declared = r.getInteraction().stream().map(i -> i.getCode().toCode()).collect(Collectors.toSet());
            for (String code : TYPE_INTERACTIONS) {
                if (!declared.contains(code)) {
                    tests.add(DynamicTest.dynamicTest(r.getType() + " " + code + " (undeclared)", () -> refused(r, code)));
                }
            }
            if (declared.contains("search-type")) {
                Set<String> params = r.getSearchParam().stream().map(p -> p.getName()).collect(Collectors.toSet());
                Optional<String> standard = new TreeSet<>(GpSystem.FHIR.getResourceDefinition(r.getType()).getSearchParams()
                        .stream().map(RuntimeSearchParam::getName).toList()).stream()
                        .filter(n -> !params.contains(n) && !n.startsWith("_")).findFirst();
                standard.ifPresent(p -> tests.add(DynamicTest.dynamicTest(r.getType() + "?" + p + " (undeclared)",
                        () -> expectRefusal(get("/" + r.getType() + "?" + p + "=x"), 400))));
                tests.add(DynamicTest.dynamicTest(r.getType() + "?no-such-param (undeclared)",
                        () -> expectRefusal(get("/" + r.getType() + "?no-such-param=x"), 400)));
            }
        });
        tests.add(DynamicTest.dynamicTest("an undeclared resource type", () -> expectRefusal(get("/Medication"), 404)));
        tests.add(DynamicTest.dynamicTest("system history (undeclared)", () -> expectRefusal(get("/_history"), 400, 404, 405)));
        tests.add(DynamicTest.dynamicTest("system search (undeclared)", () -> expectRefusal(get("?_id=x"), 400, 404, 405)));
        return tests.stream();
    }

    // ---- declared interactions ---------------------------------------------------------------------------------

    private static void exercise(CapabilityStatementRestResourceComponent r, String code) throws Exception {
        String type = r.getType();
        switch (code) {
            case "create" -> {
                Resource sample = sample(type);
                HttpResponse<String> created = world.gp.post("/" + type, json(sample), "application/fhir+json");
                assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
                assertThat(created.headers().firstValue("Location")).as("Location of the created " + type).isPresent();
            }
            case "read" -> {
                Resource instance = instance(r);
                Resource read = parse(ok(get("/" + type + "/" + instance.getIdElement().getIdPart())));
                assertThat(read.fhirType()).isEqualTo(type);
                assertThat(read.getIdElement().getIdPart()).isEqualTo(instance.getIdElement().getIdPart());
            }
            case "vread" -> {
                Resource instance = instance(r);
                String version = instance.getMeta().getVersionId();
                assertThat(version).as("a versioned type's resources carry meta.versionId").isNotNull();
                Resource read = parse(ok(get("/" + type + "/" + instance.getIdElement().getIdPart() + "/_history/" + version)));
                assertThat(read.getMeta().getVersionId()).isEqualTo(version);
            }
            case "history-instance" -> {
                Resource instance = instance(r);
                Bundle history = (Bundle) parse(ok(get("/" + type + "/" + instance.getIdElement().getIdPart() + "/_history")));
                assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
                assertThat(history.getEntry()).isNotEmpty();
            }
            case "update" -> {
                Resource created = created(type);
                Resource current = parse(ok(get("/" + type + "/" + created.getIdElement().getIdPart())));
                current.setMeta(null);
                HttpResponse<String> updated = put("/" + type + "/" + created.getIdElement().getIdPart(), json(current));
                assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
                assertThat(parse(updated.body()).getMeta().getVersionId()).isNotEqualTo(created.getMeta().getVersionId());
            }
            case "search-type" -> {
                Bundle all = (Bundle) parse(ok(get("/" + type)));
                assertThat(all.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
                assertThat(all.getEntry()).as("a search of " + type + " with no parameters finds something").isNotEmpty();
            }
            default -> fail("The statement declares " + code + " on " + type + ", which this test does not know how to"
                    + " exercise: add it here");
        }
    }

    private static void exerciseSystem(String code) throws Exception {
        if (!code.equals("transaction")) {
            fail("The statement declares system " + code + ", which this test does not know how to exercise");
        }
        HttpResponse<String> response = world.gp.postTransaction(GpSystem.referralBundle("cs-tx-" + System.nanoTime()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(((Bundle) parse(response.body())).getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    }

    /** Searches by the parameter with a value taken from a real instance, and expects that instance among the matches. */
    private static void searchBy(CapabilityStatementRestResourceComponent r, String name) throws Exception {
        String type = r.getType();
        List<Resource> candidates = new ArrayList<>();
        candidates.add(instance(r));
        ((Bundle) parse(ok(get("/" + type + "?_count=50")))).getEntry().forEach(e -> candidates.add(e.getResource()));
        for (Resource candidate : candidates) {
            Optional<String> value = valueFor(type, name, candidate);
            if (value.isPresent()) {
                Bundle found = (Bundle) parse(ok(get("/" + type + "?" + name + "=" + enc(value.get()) + "&_count=200")));
                assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                        .as("%s?%s=%s finds the %s it was taken from", type, name, value.get(), type)
                        .contains(candidate.getIdElement().getIdPart());
                return;
            }
        }
        fail("No " + type + " on the gateway has a value for search parameter " + name + " to search by");
    }

    private static final Pattern RESOLVE_IS = Pattern.compile("\\.where\\(resolve\\(\\) is (\\w+)\\)");

    /** A value of the search parameter in the resource, in FHIR search syntax, read through the parameter's path. */
    static Optional<String> valueFor(String type, String name, Resource resource) {
        if (name.equals("_lastUpdated")) {
            return Optional.ofNullable(resource.getMeta().getLastUpdatedElement().getValueAsString()).map(v -> "ge" + v);
        }
        RuntimeSearchParam param = GpSystem.FHIR.getResourceDefinition(type).getSearchParam(name);
        assertThat(param).as("search parameter %s is defined for %s in R4", name, type).isNotNull();
        for (String part : param.getPath().split("\\|")) {
            Matcher m = RESOLVE_IS.matcher(part.trim());
            String targetType = m.find() ? m.group(1) : null;
            String path = RESOLVE_IS.matcher(part.trim()).replaceAll("");
            List<IBase> values = GpSystem.FHIR.newFhirPath().evaluate(resource, path, IBase.class);
            for (IBase v : values) {
                Optional<String> query = asQuery(param.getParamType(), v, targetType);
                if (query.isPresent()) {
                    return query;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> asQuery(RestSearchParameterTypeEnum kind, IBase v, String targetType) {
        switch (kind) {
            case REFERENCE:
                if (v instanceof Reference ref && ref.getReferenceElement().hasResourceType()
                        && (targetType == null || targetType.equals(ref.getReferenceElement().getResourceType()))) {
                    return Optional.of(ref.getReferenceElement().getResourceType() + "/" + ref.getReferenceElement().getIdPart());
                }
                return Optional.empty();
            case TOKEN:
                if (v instanceof Identifier id && id.hasValue()) {
                    return Optional.of((id.hasSystem() ? id.getSystem() + "|" : "") + id.getValue());
                }
                if (v instanceof CodeableConcept cc && cc.hasCoding()) {
                    return Optional.of(cc.getCodingFirstRep().getSystem() + "|" + cc.getCodingFirstRep().getCode());
                }
                if (v instanceof Coding c && c.hasCode()) {
                    return Optional.of(c.getSystem() + "|" + c.getCode());
                }
                return v instanceof PrimitiveType<?> p && p.hasValue() ? Optional.of(p.getValueAsString()) : Optional.empty();
            case DATE:
                if (v instanceof BaseDateTimeType d && d.hasValue()) {
                    return Optional.of("ge" + d.getValueAsString());
                }
                return v instanceof Period p && p.hasStart() ? Optional.of("ge" + p.getStartElement().getValueAsString()) : Optional.empty();
            case URI:
            case STRING:
                return v instanceof PrimitiveType<?> p && p.hasValue() ? Optional.of(p.getValueAsString()) : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    // ---- undeclared interactions -------------------------------------------------------------------------------

    private static void refused(CapabilityStatementRestResourceComponent r, String code) throws Exception {
        String type = r.getType();
        String id = r.getInteraction().stream().anyMatch(i -> i.getCode().toCode().equals("read"))
                ? instance(r).getIdElement().getIdPart() : "any";
        String minimal = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"}";
        HttpResponse<String> response = switch (code) {
            case "read" -> get("/" + type + "/" + id);
            case "vread" -> get("/" + type + "/" + id + "/_history/1");
            case "update" -> put("/" + type + "/" + id, minimal);
            case "patch" -> send("PATCH", "/" + type + "/" + id, "[{\"op\":\"remove\",\"path\":\"/text\"}]", "application/json-patch+json");
            case "delete" -> send("DELETE", "/" + type + "/" + id, null, null);
            case "history-instance" -> get("/" + type + "/" + id + "/_history");
            case "history-type" -> get("/" + type + "/_history");
            case "create" -> world.gp.post("/" + type, "{\"resourceType\":\"" + type + "\"}", "application/fhir+json");
            case "search-type" -> get("/" + type);
            default -> throw new IllegalArgumentException(code);
        };
        expectRefusal(response, 400, 403, 404, 405);
    }

    private static void expectRefusal(HttpResponse<String> response, Integer... statuses) {
        assertThat(response.statusCode()).as(response.body()).isIn((Object[]) statuses);
        Resource body = parse(response.body());
        assertThat(body).isInstanceOf(OperationOutcome.class);
        assertThat(((OperationOutcome) body).getIssue()).isNotEmpty();
    }

    // ---- instances ---------------------------------------------------------------------------------------------

    /** An instance of the type on the gateway: one the loop made, one this test created, or one found by search. */
    private static synchronized Resource instance(CapabilityStatementRestResourceComponent r) throws Exception {
        String type = r.getType();
        if (instances.containsKey(type)) {
            return instances.get(type);
        }
        Set<String> declared = r.getInteraction().stream().map(i -> i.getCode().toCode()).collect(Collectors.toSet());
        Resource found = null;
        if (type.equals("Task")) {
            found = parse(ok(get("/Task/" + done.taskId())));
        } else if (type.equals("Observation")) {
            found = ((Bundle) parse(ok(get("/Observation?based-on=ServiceRequest/" + done.referralId())))).getEntryFirstRep().getResource();
        } else if (declared.contains("create") && SAMPLES.containsKey(type)) {
            found = created(type);
        } else if (declared.contains("search-type")) {
            Bundle all = (Bundle) parse(ok(get("/" + type + "?_count=1")));
            found = all.hasEntry() ? all.getEntryFirstRep().getResource() : null;
        } else {
            found = referencedFromOthers(type);
        }
        if (found == null) {
            fail("No way to find a " + type + " on the gateway: add a sample to SAMPLES or a way to find one");
        }
        instances.put(type, found);
        return found;
    }

    /** A resource of the type referenced by an instance of another declared type (Endpoint from HealthcareService). */
    private static Resource referencedFromOthers(String type) throws Exception {
        for (CapabilityStatementRestResourceComponent other : resources().toList()) {
            if (other.getType().equals(type) || other.getInteraction().stream().noneMatch(i -> i.getCode().toCode().equals("search-type"))) {
                continue;
            }
            Bundle all = (Bundle) parse(ok(get("/" + other.getType() + "?_count=20")));
            for (var e : all.getEntry()) {
                for (IBase ref : GpSystem.FHIR.newFhirPath().evaluate(e.getResource(), "descendants().ofType(Reference)", IBase.class)) {
                    Reference reference = (Reference) ref;
                    if (type.equals(reference.getReferenceElement().getResourceType())) {
                        return parse(ok(get("/" + type + "/" + reference.getReferenceElement().getIdPart())));
                    }
                }
            }
        }
        return null;
    }

    private static final Map<String, Resource> createdByThisTest = new HashMap<>();

    private static synchronized Resource created(String type) throws Exception {
        if (!createdByThisTest.containsKey(type)) {
            HttpResponse<String> response = world.gp.post("/" + type, json(sample(type)), "application/fhir+json");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            createdByThisTest.put(type, parse(response.body()));
        }
        return createdByThisTest.get(type);
    }

    private static Resource sample(String type) {
        Function<String, Resource> sample = SAMPLES.get(type);
        if (sample == null) {
            fail("The statement declares create on " + type + ": add a valid sample " + type + " to SAMPLES");
        }
        return sample.apply(patientId);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private static Stream<CapabilityStatementRestResourceComponent> resources() {
        return statement.getRestFirstRep().getResource().stream();
    }

    private static Bundle search(String type, String query) {
        try {
            return (Bundle) parse(ok(get("/" + type + "?" + query)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return world.gp.get(path);
    }

    private static HttpResponse<String> put(String path, String body) throws Exception {
        return send("PUT", path, body, "application/fhir+json");
    }

    private static HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(world.gateway.fhirBase() + path))
                .header("Authorization", "Bearer " + world.gp.token()).header("Accept", "application/fhir+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static Resource parse(String body) {
        return (Resource) GpSystem.FHIR.newJsonParser().parseResource(body);
    }

    private static String json(Resource resource) {
        return GpSystem.FHIR.newJsonParser().encodeResourceToString(resource);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
