package org.spgateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spgateway.gateway.support.HostileTraffic;
import org.spgateway.gateway.support.HostileTraffic.StoreCounts;
import org.spgateway.gateway.support.Referrals;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A bounded fuzz of the FHIR and VCS endpoints against the running gateway: valid seeds (a Patient, a referral, the
 * example transaction Bundle, in JSON and XML; each VCS event type for a real referral) are mutated (truncated, bytes
 * flipped, inserted or duplicated, invalid UTF-8, huge numbers, deep nesting, long strings, wrong types, duplicate
 * keys, DOCTYPEs and entities, wrong content types, broken signature headers, hostile search parameters) and sent one
 * at a time. VCS bodies are signed after mutation, so they get past authentication to the parsers.
 *
 * <p>Every answer must come within the per-request timeout, never be 5xx, be an OperationOutcome (FHIR) or
 * problem+json (VCS) when 4xx, show no internals and no file content, and a refused request must leave the store as
 * it was (rows in fhir_resource, fhir_resource_version, inbound_event, outbox_message). The body of each failing
 * request is saved under {@code gateway/target/fuzz-failures/}.
 *
 * <p>Bounded: {@code fuzz.seconds} (default 30; 20 in the PostgreSQL run, {@code fuzz.seconds.pg}) of requests. Longer runs and replays:
 * {@code mvn -B -pl gateway verify -Dit.test=HostileInputFuzzIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfuzz.seconds=600 [-Dfuzz.seed=N] [-Dfuzz.timeout-seconds=20]}. A failure names the seed that replays it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}",
                // the fuzz is one client sending as fast as it can: keep the rate limit out of its way
                "spgateway.rate-limit.requests-per-second=1000000", "spgateway.rate-limit.burst=1000000"})
class HostileInputFuzzIT {

    private static final long SECONDS = Long.getLong("fuzz.seconds", 30);
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("fuzz.timeout-seconds", 20));
    private static final int MAX_REPORTED = 15;

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLACEHOLDER = "__FUZZ_PLACEHOLDER__";
    private static final String[] EVENT_TYPES = {"referral.accepted", "referral.declined", "referral.contacted",
        "referral.unable-to-contact", "referral.appointment-booked", "referral.attending", "referral.on-hold",
        "referral.completed", "referral.cancelled", "link-worker.assigned"};
    private static final String[] CONTENT_TYPES = {"application/fhir+json", "application/fhir+xml", "application/json",
        "application/xml", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
        "application/octet-stream", "application/fhir+json; charset=utf-16", "application/fhir+json; fhirVersion=9.9",
        "application/json-patch+json", "text/html", "*/*", ";;;", "application/fhir+json; charset=\u00e9"};
    private static final String[] SEARCH_PARAMS = {"identifier", "patient", "subject", "status", "_lastUpdated", "_count",
        "_sort", "_include", "_revinclude", "_id", "name", "birthdate", "focus", "owner", "_elements", "_summary",
        "_format", "identifier:missing", "name:exact", "subject:Patient.name", "_has:Task:focus:status", "_pretty",
        "_total", "_contained", "date", "code"};
    private static final String[] SEARCH_TYPES = {"Patient", "ServiceRequest", "Task", "Consent", "Condition",
        "Organization", "HealthcareService", "Observation", "AuditEvent", "Spaceship", ""};

    enum Target { FHIR_CREATE_JSON, FHIR_CREATE_XML, FHIR_TRANSACTION_JSON, FHIR_TRANSACTION_XML, FHIR_UPDATE,
        FHIR_SEARCH, VCS_EVENT_BODY, VCS_EVENT_HEADERS }

    @TempDir
    static Path secrets;
    private static String marker;
    private static URI secretFile;

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private Random random;
    private String patientId;
    private String referralId;
    private final List<String> eventSeeds = new ArrayList<>();
    private String patientJson;
    private String serviceRequestJson;
    private String bundleJson;

    @BeforeAll
    static void secretOnDisk() throws Exception {
        marker = "FUZZ-MARKER-" + UUID.randomUUID();
        Path file = secrets.resolve("secret.txt");
        Files.writeString(file, marker);
        secretFile = file.toUri();
    }

    /** One request to send, described well enough to reproduce by hand. */
    record Shot(Target target, String method, String path, Map<String, String> headers, byte[] body, List<String> mutations) {
        boolean fhir() {
            return path.startsWith("/fhir");
        }
    }

    @Test
    void noHostileRequestGets5xxHangsLeaksOrStoresAnything() throws Exception {
        random = new Random(SEED);
        seeds();
        Instant deadline = Instant.now().plusSeconds(SECONDS);
        List<String> failures = new ArrayList<>();
        Map<Target, Integer> sent = new EnumMap<>(Target.class);
        Map<Integer, Integer> statuses = new TreeMap<>();
        int iteration = 0;
        while (Instant.now().isBefore(deadline)) {
            iteration++;
            Target target = Target.values()[random.nextInt(Target.values().length)];
            Shot shot = shoot(target);
            sent.merge(target, 1, Integer::sum);
            String failure = fire(shot, statuses);
            if (failure != null && failures.size() < MAX_REPORTED) {
                keep(shot, iteration);
                failures.add("#" + iteration + " " + target + " " + shot.method() + " " + abbreviate(shot.path()) + " "
                        + abbreviate(shot.headers().toString()) + " mutations " + shot.mutations() + ": " + failure);
            }
        }
        System.out.printf("HostileInputFuzzIT: seed %d, %d requests in %d s, by target %s, by status %s%n",
                SEED, iteration, SECONDS, sent, statuses);
        assertThat(failures).as("failures (replay with -Dfuzz.seed=%d)", SEED).isEmpty();
        assertThat(iteration).as("requests sent").isGreaterThan(Math.min(20, (int) SECONDS));
        assertThat(statuses.keySet()).as("both refusals and acceptances were seen").anyMatch(s -> s >= 400)
                .anyMatch(s -> s < 300);
    }

    /** Sends one request and checks the answer; returns what is wrong with it, or null. */
    private String fire(Shot shot, Map<Integer, Integer> statuses) throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + shot.path()))
                .timeout(TIMEOUT)
                .method(shot.method(), shot.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(shot.body()));
        if (shot.fhir()) {
            gp().authorize(request); // an authenticated GP system: the fuzzing is of what it sends, past the token check
        }
        try {
            shot.headers().forEach(request::header);
        } catch (IllegalArgumentException unsendable) {
            return null; // the client library refuses the header value: nothing reached the gateway
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        statuses.merge(response.statusCode(), 1, Integer::sum);
        String excerpt = response.body().length() > 300 ? response.body().substring(0, 300) + "..." : response.body();
        if (response.statusCode() >= 500) {
            return "answered " + response.statusCode() + ": " + excerpt;
        }
        if (response.body().contains(marker)) {
            return "the answer shows the content of a local file";
        }
        if (response.statusCode() >= 400) {
            try {
                if (shot.fhir()) {
                    HostileTraffic.assertFhirRefusal(response);
                } else {
                    HostileTraffic.assertProblemRefusal(response);
                }
            } catch (AssertionError | RuntimeException e) {
                return "refusal " + response.statusCode() + " is not in the endpoint's format (" + firstLine(e.getMessage())
                        + "): " + excerpt;
            }
            StoreCounts after = StoreCounts.of(jdbc);
            if (!after.equals(before)) {
                return "refused with " + response.statusCode() + " but the store changed from " + before + " to " + after;
            }
        }
        return null;
    }

    /** Saves a failing request's body under target/fuzz-failures, to replay it by hand (curl --data-binary @file). */
    private static void keep(Shot shot, int iteration) {
        if (shot.body() == null) {
            return;
        }
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Files.write(dir.resolve(SEED + "-" + iteration + ".body"), shot.body());
        } catch (java.io.IOException e) {
            // the report in the assertion still names the shot
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }

    // ----------------------------------------------------------------------------------------------- seeds

    private void seeds() throws Exception {
        Patient patient = Referrals.valid().withNhsNumber("9434765919").patient();
        patientJson = CTX.newJsonParser().encodeResourceToString(patient);
        HttpResponse<String> created = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient")))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(patientJson))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        patientId = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+).*", "$1");
        serviceRequestJson = CTX.newJsonParser().encodeResourceToString(Referrals.valid().serviceRequestFor("Patient/" + patientId));

        bundleJson = Files.readString(Path.of("../docs/examples/referral-bundle.json"));
        HttpResponse<String> transaction = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir")))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(withFreshIdentifier(bundleJson)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(200);
        Bundle answer = CTX.newJsonParser().parseResource(Bundle.class, transaction.body());
        referralId = answer.getEntry().stream().map(e -> e.getResponse().getLocation())
                .filter(l -> l.startsWith("ServiceRequest/")).findFirst().orElseThrow().split("/")[1];
        for (String type : EVENT_TYPES) {
            try (InputStream in = getClass().getResourceAsStream("/org/spgateway/mappings/examples/v1/" + type + ".json")) {
                ObjectNode event = (ObjectNode) JSON.readTree(in);
                event.put("referralId", referralId);
                eventSeeds.add(event.toString());
            }
        }
    }

    /** The example Bundle with a new referral identifier, so an accepted one is a new referral. */
    private static String withFreshIdentifier(String bundle) {
        Bundle parsed = CTX.newJsonParser().parseResource(Bundle.class, bundle);
        parsed.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(ServiceRequest.class::isInstance)
                .map(ServiceRequest.class::cast).forEach(sr -> sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID()));
        return CTX.newJsonParser().encodeResourceToString(parsed);
    }

    private static String toXml(String json) {
        return CTX.newXmlParser().encodeResourceToString(CTX.newJsonParser().parseResource(json));
    }

    // ----------------------------------------------------------------------------------------------- shots

    private Shot shoot(Target target) throws Exception {
        List<String> mutations = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        return switch (target) {
            case FHIR_CREATE_JSON -> {
                boolean patient = random.nextBoolean();
                byte[] body = mutateJson(patient ? patientJson : serviceRequestJson, mutations);
                headers.put("Content-Type", contentType("application/fhir+json", mutations));
                headers.put("Accept", "application/fhir+json");
                yield new Shot(target, "POST", patient ? "/fhir/Patient" : "/fhir/ServiceRequest", headers, body, mutations);
            }
            case FHIR_CREATE_XML -> {
                boolean patient = random.nextBoolean();
                byte[] body = mutateXml(toXml(patient ? patientJson : serviceRequestJson), mutations);
                headers.put("Content-Type", contentType("application/fhir+xml", mutations));
                headers.put("Accept", random.nextBoolean() ? "application/fhir+xml" : "application/fhir+json");
                yield new Shot(target, "POST", patient ? "/fhir/Patient" : "/fhir/ServiceRequest", headers, body, mutations);
            }
            case FHIR_TRANSACTION_JSON -> {
                byte[] body = mutateJson(withFreshIdentifier(bundleJson), mutations);
                headers.put("Content-Type", contentType("application/fhir+json", mutations));
                yield new Shot(target, "POST", "/fhir", headers, body, mutations);
            }
            case FHIR_TRANSACTION_XML -> {
                byte[] body = mutateXml(toXml(withFreshIdentifier(bundleJson)), mutations);
                headers.put("Content-Type", contentType("application/fhir+xml", mutations));
                yield new Shot(target, "POST", "/fhir", headers, body, mutations);
            }
            case FHIR_UPDATE -> {
                ObjectNode patient = (ObjectNode) JSON.readTree(patientJson);
                patient.put("id", patientId);
                boolean xml = random.nextInt(3) == 0;
                byte[] body = xml ? mutateXml(toXml(patient.toString()), mutations) : mutateJson(patient.toString(), mutations);
                headers.put("Content-Type", contentType(xml ? "application/fhir+xml" : "application/fhir+json", mutations));
                yield new Shot(target, "PUT", "/fhir/Patient/" + patientId, headers, body, mutations);
            }
            case FHIR_SEARCH -> searchShot(mutations);
            case VCS_EVENT_BODY -> {
                String seed = withOccurredAt(eventSeeds.get(random.nextInt(eventSeeds.size())));
                byte[] body = mutateJson(seed, mutations);
                headers.put("Content-Type", contentType("application/json", mutations));
                sign(headers, body);
                yield new Shot(target, "POST", "/vcs/v1/events", headers, body, mutations);
            }
            case VCS_EVENT_HEADERS -> {
                byte[] body = withOccurredAt(eventSeeds.get(random.nextInt(eventSeeds.size()))).getBytes(StandardCharsets.UTF_8);
                headers.put("Content-Type", contentType("application/json", mutations));
                if (random.nextBoolean()) {
                    // a correctly signed request whose webhook-id is hostile: it reaches the idempotency record
                    String id = pick("", " ", "msg_" + "x".repeat(pickInt(123, 124, 125, 200, 4000)), "éè", "'; --",
                            "msg_\u0000", "../x", "msg_" + UUID.randomUUID() + ",v1,AAAA");
                    sign(headers, body, id);
                    mutations.add("signed webhook-id " + abbreviate(id));
                } else {
                    sign(headers, body);
                    mutateHeaders(headers, mutations);
                }
                yield new Shot(target, "POST", "/vcs/v1/events", headers, body, mutations);
            }
        };
    }

    private static String withOccurredAt(String event) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(event);
        node.put("occurredAt", Instant.now().toString());
        return node.toString();
    }

    private static void sign(Map<String, String> headers, byte[] body) {
        sign(headers, body, "msg_" + UUID.randomUUID());
    }

    private static void sign(Map<String, String> headers, byte[] body, String id) {
        long now = Instant.now().getEpochSecond();
        headers.put("webhook-organisation", HostileTraffic.ORG);
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(now));
        headers.put("webhook-signature", StandardWebhooks.signV1(HostileTraffic.SECRET, id, now, body));
    }

    private String contentType(String right, List<String> mutations) {
        if (random.nextInt(5) > 0) {
            return right;
        }
        String wrong = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        mutations.add("content-type " + wrong);
        return wrong;
    }

    private Shot searchShot(List<String> mutations) {
        String type = SEARCH_TYPES[random.nextInt(SEARCH_TYPES.length)];
        StringBuilder query = new StringBuilder();
        int params = 1 + random.nextInt(4);
        for (int i = 0; i < params; i++) {
            String name = SEARCH_PARAMS[random.nextInt(SEARCH_PARAMS.length)];
            String value = hostileText();
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
            if (query.length() + encoded.length() > 7500) {
                // kept under Tomcat's 8 KB request-line limit, beyond which the path is unknown (HostileInputIT covers it)
                continue;
            }
            query.append(query.length() == 0 ? "?" : "&").append(name).append('=').append(encoded);
            mutations.add(name + "=" + abbreviate(value));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", random.nextBoolean() ? "application/fhir+json" : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
        return new Shot(Target.FHIR_SEARCH, "GET", "/fhir" + (type.isEmpty() ? "" : "/" + type) + query, headers, null, mutations);
    }

    private void mutateHeaders(Map<String, String> headers, List<String> mutations) {
        String[] names = {"webhook-organisation", "webhook-id", "webhook-timestamp", "webhook-signature"};
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String name = names[random.nextInt(names.length)];
            switch (random.nextInt(4)) {
                case 0 -> {
                    headers.remove(name);
                    mutations.add("no " + name);
                }
                case 1 -> {
                    String value = pick("", " ", "-1", "0", "9999999999999999999999", "1e5", "NaN", "vcs-walking-group",
                            "v1,", "v1,AAAA", "v1a," + "A".repeat(88), "v2,abc", "v1,!!!!", ",,,,", "v1," + "A".repeat(3000),
                            "msg_" + "x".repeat(2000), "../../etc/passwd", "\u00e9\u00e8", "null",
                            Long.toString(Instant.now().minusSeconds(301).getEpochSecond()),
                            Long.toString(Instant.now().plusSeconds(301).getEpochSecond()));
                    headers.put(name, value);
                    mutations.add(name + "=" + abbreviate(value));
                }
                case 2 -> {
                    String old = headers.getOrDefault(name, "");
                    String value = old.isEmpty() ? "x" : old.substring(0, random.nextInt(old.length()));
                    headers.put(name, value);
                    mutations.add("truncated " + name);
                }
                default -> {
                    String sig = headers.getOrDefault("webhook-signature", "v1,AAAA");
                    headers.put("webhook-signature", sig + " " + sig.replace('A', 'B') + " v1a,QUJD");
                    mutations.add("several signatures");
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- mutators

    private byte[] mutateJson(String seed, List<String> mutations) throws Exception {
        String text = seed;
        int rounds = 1 + random.nextInt(3);
        for (int round = 0; round < rounds; round++) {
            if (random.nextInt(12) < 5) {
                text = mutateJsonTree(text, mutations);
            } else {
                // byte damage usually leaves no tree to mutate further: it comes last
                return mutateBytes(text.getBytes(StandardCharsets.UTF_8), mutations);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A structural change through the tree: a value replaced by a hostile one, a duplicate key, a wrapper. */
    private String mutateJsonTree(String json, List<String> mutations) throws Exception {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception alreadyBroken) {
            return json;
        }
        List<Consumer<JsonNode>> setters = new ArrayList<>();
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, setters, objects);
        int kind = random.nextInt(4);
        if (kind == 0 && !objects.isEmpty()) {
            ObjectNode object = objects.get(random.nextInt(objects.size()));
            Iterator<String> names = object.fieldNames();
            List<String> fields = new ArrayList<>();
            names.forEachRemaining(fields::add);
            if (!fields.isEmpty()) {
                String field = fields.get(random.nextInt(fields.size()));
                object.put("__FUZZ_DUP__", PLACEHOLDER);
                String raw = random.nextBoolean() ? JSON.writeValueAsString(object.get(field)) : hostileJsonValue();
                mutations.add("duplicate key " + field);
                return JSON.writeValueAsString(root).replace("\"__FUZZ_DUP__\":\"" + PLACEHOLDER + "\"",
                        JSON.writeValueAsString(field) + ":" + raw);
            }
        }
        if (setters.isEmpty()) {
            return json;
        }
        Consumer<JsonNode> setter = setters.get(random.nextInt(setters.size()));
        setter.accept(TextNode.valueOf(PLACEHOLDER));
        String raw = hostileJsonValue();
        mutations.add("value " + abbreviate(raw));
        return JSON.writeValueAsString(root).replace("\"" + PLACEHOLDER + "\"", raw);
    }

    private static void collect(JsonNode node, List<Consumer<JsonNode>> setters, List<ObjectNode> objects) {
        if (node instanceof ObjectNode object) {
            objects.add(object);
            List<String> fields = new ArrayList<>();
            object.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                setters.add(value -> object.set(field, value));
                collect(object.get(field), setters, objects);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                setters.add(value -> array.set(index, value));
                collect(array.get(i), setters, objects);
            }
        }
    }

    /** Raw JSON text for a hostile value. */
    private String hostileJsonValue() throws Exception {
        return switch (random.nextInt(12)) {
            case 0 -> pick("1e999999999", "-1e-999999999", "1e1001", "1E+1000", "0.0000001e-2147483648", "9".repeat(64),
                    "9".repeat(65), "-" + "9".repeat(400), "1." + "0".repeat(500) + "1", "-0", "0e0", "1e-1000");
            case 1 -> nest(pickInt(2, 30, 63, 64, 65, 200, 5000, 50_000));
            case 2 -> JSON.writeValueAsString("s".repeat(pickInt(262_143, 262_144, 262_145, 300_000, 10_000)));
            case 3 -> pick("true", "false", "null", "{}", "[]", "[[]]", "{\"a\":{}}", "0", "-1", "\"\"", "[null]");
            case 4 -> JSON.writeValueAsString(hostileText());
            case 5 -> "\"" + pick("\\u0000", "\\ud800", "\\udfff\\ud800", "\\u202e", "\\uffff", "\\\\", "\\/", "\\x41",
                    "\\u00", "\\") + "\"";
            case 6 -> "{\"resourceType\":\"" + pick("Patient", "Bundle", "OperationOutcome", "Spaceship", "") + "\"}";
            case 7 -> "[" + String.join(",", java.util.Collections.nCopies(pickInt(101, 1000, 20_000), "{}")) + "]";
            case 8 -> "{\"" + "k".repeat(pickInt(1024, 1025, 5000)) + "\":1}";
            case 9 -> pick("NaN", "Infinity", "-Infinity", "undefined", "'single'", "0x1F", "01", "+1", ".5", "1.");
            case 10 -> "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                    + String.join(",", java.util.Collections.nCopies(pickInt(100, 101, 5000), "{\"resource\":{\"resourceType\":\"Patient\"}}"))
                    + "]}";
            default -> JSON.writeValueAsString(UUID.randomUUID().toString());
        };
    }

    private String nest(int depth) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (random.nextBoolean()) {
                open.append('[');
                close.append(']');
            } else {
                open.append("{\"a\":");
                close.append('}');
            }
        }
        return open + "1" + close.reverse();
    }

    private String hostileText() {
        return switch (random.nextInt(10)) {
            case 0 -> "x".repeat(pickInt(1, 100, 2000, 7000));
            case 1 -> pick("ge2020-13-45", "le", "eq", "2020-02-30T25:61:61Z", "-1", "0", "99999999999999999999", "1e999999999",
                    "abc", "NaN", "");
            case 2 -> pick("https://fhir.nhs.uk/Id/nhs-number|9434765919", "|", "||", "|||x", "a|b|c", "Patient/",
                    "Patient/../../x", "urn:uuid:", "*", "Patient:subject", "-_lastUpdated,_id,,,");
            case 3 -> pick("'; DROP TABLE fhir_resource; --", "%", "%%", "_", "\\", "\\%", "' OR '1'='1", "\" OR 1=1 --");
            case 4 -> pick("<script>alert(1)</script>", "${jndi:ldap://127.0.0.1:1/a}", "#{7*7}", "{{7*7}}", "../../etc/passwd");
            case 5 -> pick("\u0000", "\u202e", "\ud83d\ude00", "\uffff", "\u00e9", "\r\n", "\t");
            case 6 -> secretFile.toString();
            case 7 -> Long.toString(random.nextLong());
            case 8 -> Instant.ofEpochSecond(random.nextInt()).toString();
            default -> UUID.randomUUID().toString();
        };
    }

    private byte[] mutateXml(String seed, List<String> mutations) {
        String text = seed;
        switch (random.nextInt(10)) {
            case 0 -> {
                text = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"" + secretFile + "\">]>"
                        + text.replaceFirst("value=\"[^\"]*\"", "value=\"&xxe;\"");
                mutations.add("xxe");
            }
            case 1 -> {
                StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a0 \"lol\">");
                for (int i = 1; i <= 9; i++) {
                    lol.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
                }
                text = lol + "]>" + text.replaceFirst("value=\"[^\"]*\"", "value=\"&a9;\"");
                mutations.add("billion laughs");
            }
            case 2 -> {
                int depth = pickInt(63, 64, 65, 500, 20_000);
                int close = text.indexOf('>') + 1;
                text = text.substring(0, close) + "<extension url=\"x\">".repeat(depth) + "</extension>".repeat(depth)
                        + text.substring(close);
                mutations.add("xml depth " + depth);
            }
            case 3 -> {
                String value = "v".repeat(pickInt(262_144, 262_145, 600_000));
                text = text.replaceFirst("value=\"[^\"]*\"", "value=\"" + value + "\"");
                mutations.add("long attribute " + value.length());
            }
            case 4 -> {
                String junk = pick("&undefined;", "&#0;", "&#xD800;", "<![CDATA[x]]>", "<!-- -- -->", "<?pi x?>",
                        "<a:b xmlns:a=\"\"/>", "</wrong>", "<x y=\"1\" y=\"2\"/>", "\u0001", "]]>");
                int at = random.nextInt(text.length());
                text = text.substring(0, at) + junk + text.substring(at);
                mutations.add("xml junk " + junk);
            }
            case 5 -> {
                text = text.replaceFirst("xmlns=\"http://hl7.org/fhir\"", pick("", "xmlns=\"urn:evil\"", "xmlns=\"http://hl7.org/fhir\" xmlns=\"x\""));
                mutations.add("namespace");
            }
            case 6 -> {
                text = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"" + secretFile + "\">" + text;
                mutations.add("external dtd");
            }
            default -> {
                return mutateBytes(text.getBytes(StandardCharsets.UTF_8), mutations);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] mutateBytes(byte[] seed, List<String> mutations) {
        byte[] bytes = seed;
        if (bytes.length == 0) {
            return bytes;
        }
        switch (random.nextInt(7)) {
            case 0 -> {
                int length = random.nextInt(bytes.length);
                bytes = java.util.Arrays.copyOf(bytes, length);
                mutations.add("truncated to " + length);
            }
            case 1 -> {
                int flips = 1 + random.nextInt(8);
                bytes = bytes.clone();
                for (int i = 0; i < flips; i++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                mutations.add(flips + " bytes flipped");
            }
            case 2 -> {
                byte[] invalid = pick(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                        new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {0});
                bytes = insert(bytes, random.nextInt(bytes.length), invalid);
                mutations.add("invalid UTF-8");
            }
            case 3 -> {
                int from = random.nextInt(bytes.length);
                int to = Math.min(bytes.length, from + 1 + random.nextInt(Math.max(1, bytes.length / 4)));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(bytes, 0, from);
                out.write(bytes, to, bytes.length - to);
                bytes = out.toByteArray();
                mutations.add("deleted " + (to - from) + " bytes");
            }
            case 4 -> {
                int from = random.nextInt(bytes.length);
                int to = Math.min(bytes.length, from + 1 + random.nextInt(200));
                bytes = insert(bytes, random.nextInt(bytes.length), java.util.Arrays.copyOfRange(bytes, from, to));
                mutations.add("duplicated " + (to - from) + " bytes");
            }
            case 5 -> {
                byte[] garbage = new byte[1 + random.nextInt(64)];
                random.nextBytes(garbage);
                bytes = insert(bytes, random.nextInt(bytes.length), garbage);
                mutations.add("inserted " + garbage.length + " random bytes");
            }
            default -> {
                byte[] bom = pick(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, new byte[] {(byte) 0xFE, (byte) 0xFF},
                        new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, "   \n\t".getBytes(StandardCharsets.UTF_8));
                bytes = insert(bytes, 0, bom);
                mutations.add("prefix " + bom.length + " bytes");
            }
        }
        return bytes;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private int pickInt(int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "...(" + text.length() + " chars)" : text;
    }

    private org.spgateway.gateway.support.SmartClient gp;

    /** The Elm Street GP system, one access token per test. */
    private org.spgateway.gateway.support.SmartClient gp() {
        if (gp == null) {
            gp = org.spgateway.gateway.support.SmartClient.testGp(port);
        }
        return gp;
    }
}
