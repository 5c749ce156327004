package org.spgateway.gateway.fhir.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.fhir.ResourceValidator;

/**
 * The fast validation path against the full HL7 validator with the gateway's profiles, input by input: the whole corpus
 * (docs/examples, the IG's examples, the conformance tests' public examples, generated referrals) and deliberately
 * broken variants of each (missing required elements, wrong cardinality, bad codes, bad primitive formats, unknown
 * elements, wrong reference targets, invariant and profile rule violations). For every input the gateway's verdict with
 * the fast path equals the full validator's, and the fast path never accepts what the full validator refuses. It must
 * also accept every valid generated referral and the documented example, or it would be no faster.
 * <p>
 * By default each corpus item contributes a deterministic sample of its mutations (bounded time in CI);
 * {@code -Dfastpath.mutations=all} runs every mutation.
 */
class FastPathDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final boolean ALL = "all".equals(System.getProperty("fastpath.mutations"));
    private static ResourceValidator validator;

    @BeforeAll
    static void build() {
        validator = new ResourceValidator(FHIR);
    }

    /** One input and what both paths said. */
    record Outcome(String name, boolean parsed, boolean fastAccepted, String deferReason, boolean fullValid, boolean gatewayValid,
                   boolean referenceValid) {
    }

    @Test
    void fastPathVerdictEqualsTheFullValidatorsOnTheCorpusAndItsMutations() throws Exception {
        Map<String, String> corpus = corpus();
        List<Outcome> outcomes = new ArrayList<>();
        int mutationsTried = 0;
        for (Map.Entry<String, String> item : corpus.entrySet()) {
            outcomes.add(judge(item.getKey(), item.getValue()));
            if (!item.getValue().trim().startsWith("{")) {
                continue; // XML: the fast path defers on it, its mutations would say nothing more
            }
            List<Map.Entry<String, String>> mutations = mutations(item.getKey(), (ObjectNode) JSON.readTree(item.getValue()));
            int cap = ALL ? mutations.size() : Math.min(mutations.size(), item.getKey().startsWith("docs/") ? 250
                    : item.getKey().startsWith("generated/") ? 5 : 30); // generated ones are variants of the docs example
            for (int k = 0; k < cap; k++) {
                var m = mutations.get((int) ((long) k * mutations.size() / cap));
                outcomes.add(judge(m.getKey(), m.getValue()));
                mutationsTried++;
            }
        }
        List<Outcome> wrongAccepts = outcomes.stream().filter(o -> o.fastAccepted() && !o.fullValid()).toList();
        List<Outcome> verdictDiffers = outcomes.stream().filter(o -> o.parsed() && o.gatewayValid() != o.referenceValid()).toList();
        long fullRejected = outcomes.stream().filter(o -> !o.fullValid()).count();
        long fastAccepted = outcomes.stream().filter(Outcome::fastAccepted).count();
        long validInputs = outcomes.stream().filter(Outcome::fullValid).count();
        System.out.printf("fast path differential: %d inputs (%d mutations), full validator refused %d, fast path accepted %d"
                        + " of %d valid%n", outcomes.size(), mutationsTried, fullRejected, fastAccepted, validInputs);
        Files.createDirectories(Path.of("target"));
        StringBuilder report = new StringBuilder();
        outcomes.forEach(o -> report.append(o.fastAccepted() ? "FAST " : "FULL ").append(o.fullValid() ? "valid   " : "invalid ")
                .append(o.name()).append(o.deferReason() == null ? "" : "  [" + o.deferReason() + "]").append('\n'));
        Files.writeString(Path.of("target/fastpath-differential.txt"), report);
        assertThat(wrongAccepts).as("the fast path accepted what the full validator refuses").isEmpty();
        assertThat(verdictDiffers).as("the gateway's verdict with the fast path differs from the full validator's").isEmpty();
        assertThat(fullRejected).as("the mutations must actually break inputs").isGreaterThan(250);
        assertThat(mutationsTried).isGreaterThan(500);
        List<Outcome> referralsDeferred = outcomes.stream()
                .filter(o -> !o.name().contains(": ")) // the unmutated inputs
                .filter(o -> o.name().startsWith("generated/") || o.name().equals("docs/examples/referral-bundle.json"))
                .filter(o -> !o.fastAccepted()).toList();
        assertThat(referralsDeferred).as("valid referrals the fast path should cover").isEmpty();
    }

    private static Outcome judge(String name, String body) {
        Resource parsed;
        try {
            var parser = body.trim().startsWith("<") ? FHIR.newXmlParser() : FHIR.newJsonParser();
            parsed = (Resource) parser.setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false))
                    .parseResource(body);
        } catch (RuntimeException syntax) {
            // refused with 400 before validation by IncomingResourceInterceptor; the fast path is never asked
            return new Outcome(name, false, false, "not parsed", false, false, false);
        }
        var fast = validator.fastPathVerdict(body, parsed);
        List<OperationOutcomes.Issue> full = validator.validate(body);
        List<OperationOutcomes.Issue> rules = validator.checkRules(parsed);
        boolean gateway = validator.validateRequest(body, parsed).isEmpty();
        return new Outcome(name, true, fast.accepted(), fast.reason(), full.isEmpty(), gateway, full.isEmpty() && rules.isEmpty());
    }

    // ---- the corpus -------------------------------------------------------------------------------------------

    static Map<String, String> corpus() throws IOException {
        Map<String, String> corpus = new LinkedHashMap<>();
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String dir : List.of("docs/examples", "mappings/src/main/fhir/examples", "conformance-tests/src/test/resources/examples")) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".xml")).sorted().toList()) {
                    corpus.put(root.relativize(f).toString(), Files.readString(f));
                }
            }
        }
        assertThat(corpus).as("corpus files").hasSizeGreaterThan(10);
        String example = corpus.get("docs/examples/referral-bundle.json");
        Random random = new Random(20261201);
        for (int i = 0; i < 40; i++) {
            corpus.put("generated/referral-" + i, generatedReferral((ObjectNode) JSON.readTree(example), random));
        }
        return corpus;
    }

    /** The documented example varied as GP systems vary it: optional entries dropped, other values, fresh identifiers. */
    static String generatedReferral(ObjectNode bundle, Random random) {
        ArrayNode entries = (ArrayNode) bundle.get("entry");
        Map<String, String> urls = new LinkedHashMap<>();
        for (JsonNode e : entries) {
            urls.put(e.get("fullUrl").asText(), "urn:uuid:" + new UUID(random.nextLong(), random.nextLong()).toString()
                    .replaceFirst("^(.{14}).", "$14").replaceFirst("^(.{19}).", "$18"));
        }
        String text = bundle.toString();
        for (Map.Entry<String, String> u : urls.entrySet()) {
            text = text.replace(u.getKey(), u.getValue());
        }
        ObjectNode b;
        try {
            b = (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String nhs = nhsNumber(random);
        for (JsonNode e : b.get("entry")) {
            ObjectNode r = (ObjectNode) e.get("resource");
            switch (r.get("resourceType").asText()) {
                case "Patient" -> {
                    ((ObjectNode) r.get("identifier").get(0)).put("value", nhs);
                    ((ObjectNode) e.get("request")).put("ifNoneExist", "identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs);
                    r.put("gender", List.of("female", "male", "other", "unknown").get(random.nextInt(4)));
                    r.put("birthDate", (1930 + random.nextInt(80)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10));
                    if (random.nextBoolean()) {
                        r.remove("telecom");
                    }
                    if (random.nextBoolean()) {
                        ((ObjectNode) r.get("address").get(0)).put("postalCode", "LS" + (1 + random.nextInt(9)) + " " + random.nextInt(10) + "AB");
                    }
                }
                case "ServiceRequest" -> {
                    ((ObjectNode) r.get("identifier").get(0)).put("value", "REF-" + random.nextInt(1_000_000));
                    if (random.nextBoolean()) {
                        r.put("priority", List.of("routine", "urgent").get(random.nextInt(2)));
                    }
                    if (random.nextBoolean()) {
                        r.remove("note");
                    }
                    if (random.nextInt(4) == 0) {
                        r.putArray("orderDetail").addObject().putArray("coding").addObject()
                                .put("system", "https://spgateway.org/fhir/CodeSystem/order-detail")
                                .put("code", "contacting-subject-prohibited");
                    }
                }
                default -> {
                }
            }
        }
        // drop the Condition or the Practitioner sometimes, with the references to them
        if (random.nextInt(3) == 0) {
            dropEntry(b, "Condition", "reasonReference");
        }
        return b.toString();
    }

    private static void dropEntry(ObjectNode bundle, String type, String referringField) {
        ArrayNode entries = (ArrayNode) bundle.get("entry");
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).get("resource").get("resourceType").asText().equals(type)) {
                entries.remove(i);
                break;
            }
        }
        for (JsonNode e : entries) {
            if (e.get("resource").get("resourceType").asText().equals("ServiceRequest")) {
                ((ObjectNode) e.get("resource")).remove(referringField);
            }
        }
    }

    static String nhsNumber(Random random) {
        return org.spgateway.gateway.fhir.NhsNumber.randomTestNumber(random);
    }

    // ---- the mutations ----------------------------------------------------------------------------------------

    /** Every deliberate breakage of the input, named by where and what. */
    static List<Map.Entry<String, String>> mutations(String name, ObjectNode original) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        List<String> pointers = new ArrayList<>();
        collect(original, "", pointers);
        for (String pointer : pointers) {
            JsonNode node = original.at(pointer);
            String parent = pointer.substring(0, pointer.lastIndexOf('/'));
            String last = pointer.substring(pointer.lastIndexOf('/') + 1);
            boolean inArray = original.at(parent).isArray();
            if (!inArray && !last.equals("resourceType")) {
                add(out, name, "remove " + pointer, original, c -> ((ObjectNode) c.at(parent)).remove(last));
            }
            if (inArray) {
                add(out, name, "duplicate " + pointer, original, c -> ((ArrayNode) c.at(parent)).add(c.at(pointer).deepCopy()));
            }
            if (node.isArray() && !node.isEmpty()) {
                add(out, name, "array to single " + pointer, original, c -> ((ObjectNode) c.at(parent)).set(last, c.at(pointer).get(0)));
                add(out, name, "empty array " + pointer, original, c -> ((ObjectNode) c.at(parent)).set(last, JSON.createArrayNode()));
            }
            if (!inArray && !node.isArray() && !last.equals("resourceType")) {
                add(out, name, "single to array " + pointer, original, c -> ((ObjectNode) c.at(parent)).set(last,
                        JSON.createArrayNode().add(c.at(pointer).deepCopy())));
            }
            if (node.isObject()) {
                add(out, name, "unknown element in " + pointer, original, c -> ((ObjectNode) c.at(pointer)).put("unknownElement", "x"));
                add(out, name, "empty object " + pointer, original, c -> replace(c, parent, last, JSON.createObjectNode()));
                add(out, name, "extension in " + pointer, original, c -> ((ObjectNode) c.at(pointer)).putArray("extension")
                        .addObject().put("url", "https://example.org/ext").put("valueString", "x"));
            }
            if (node.isTextual()) {
                for (String bad : List.of("", " padded ", "bogus-code", "2026-13-45", "2026-02-30", "not a date", "bad id!",
                        "Observation/1", "Group/1", "urn:uuid:00000000-0000-0000-0000-000000000000", "<b>html</b>", "http://x y")) {
                    add(out, name, "value " + pointer + " = '" + bad + "'", original, c -> replace(c, parent, last,
                            JsonNodeFactory.instance.textNode(bad)));
                }
                add(out, name, "boolean at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.booleanNode(true)));
                add(out, name, "number at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.numberNode(1.5)));
                add(out, name, "null at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.nullNode()));
            }
            if (node.isBoolean() || node.isNumber()) {
                add(out, name, "string at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.textNode("1")));
                add(out, name, "fraction at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.numberNode(1.5)));
                add(out, name, "negative at " + pointer, original, c -> replace(c, parent, last, JsonNodeFactory.instance.numberNode(-1)));
            }
        }
        out.addAll(ruleViolations(name, original));
        return out;
    }

    /** Invariant and profile rule violations that generic breakage does not produce. */
    private static List<Map.Entry<String, String>> ruleViolations(String name, ObjectNode original) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        add(out, name, "prr-1: orderDetail without code", original, c -> forEachResource(c, "ServiceRequest", (sr, x) -> {
            sr.remove("code");
            sr.putArray("orderDetail").addObject().put("text", "do not call");
        }, c));
        add(out, name, "sp-referral-1: subject a Group", original, c -> forEachResource(c, "ServiceRequest", (sr, x) ->
                sr.putObject("subject").put("reference", "Group/1"), c));
        add(out, name, "sp-consent: no patient", original, c -> forEachResource(c, "Consent", (co, x) -> co.remove("patient"), c));
        add(out, name, "per-1: period ends before it starts", original, c -> forEachResource(c, "Consent", (co, x) ->
                ((ObjectNode) co.with("provision")).putObject("period").put("start", "2026-12-01").put("end", "2026-01-01"), c));
        add(out, name, "pat-1: contact with nothing to contact", original, c -> forEachResource(c, "Patient", (p, x) ->
                p.putArray("contact").addObject().put("gender", "male"), c));
        add(out, name, "cpt-2: telecom value without system", original, c -> forEachResource(c, "Patient", (p, x) ->
                p.putArray("telecom").addObject().put("value", "07700 900123"), c));
        add(out, name, "ppc-1: consent without scope", original, c -> forEachResource(c, "Consent", (co, x) -> co.remove("scope"), c));
        add(out, name, "ServiceRequest status not in its required value set", original, c -> forEachResource(c, "ServiceRequest",
                (sr, x) -> sr.put("status", "pending"), c));
        add(out, name, "Patient gender not a code", original, c -> forEachResource(c, "Patient", (p, x) -> p.put("gender", "F"), c));
        add(out, name, "Condition clinical status unknown code", original, c -> forEachResource(c, "Condition", (co, x) ->
                co.putObject("clinicalStatus").putArray("coding").addObject()
                        .put("system", "http://terminology.hl7.org/CodeSystem/condition-clinical").put("code", "gone"), c));
        add(out, name, "Condition without subject", original, c -> forEachResource(c, "Condition", (co, x) -> co.remove("subject"), c));
        add(out, name, "Consent provision type unknown", original, c -> forEachResource(c, "Consent", (co, x) ->
                ((ObjectNode) co.with("provision")).put("type", "maybe"), c));
        add(out, name, "reference to the wrong entry type", original, c -> {
            String orgUrl = null;
            for (JsonNode e : c.path("entry")) {
                if (e.path("resource").path("resourceType").asText().equals("Organization")) {
                    orgUrl = e.get("fullUrl").asText();
                }
            }
            String target = orgUrl;
            forEachResource(c, "ServiceRequest", (sr, x) -> sr.putObject("subject").put("reference", target == null ? "x" : target), c);
        });
        return out;
    }

    private interface ResourceEdit {
        void edit(ObjectNode resource, ObjectNode root);
    }

    private static void forEachResource(ObjectNode root, String type, ResourceEdit edit, ObjectNode unused) {
        if (type.equals(root.path("resourceType").asText())) {
            edit.edit(root, root);
        }
        for (JsonNode e : root.path("entry")) {
            if (e.path("resource") instanceof ObjectNode r && type.equals(r.path("resourceType").asText())) {
                edit.edit(r, root);
            }
        }
    }

    private static void replace(ObjectNode root, String parent, String last, JsonNode value) {
        JsonNode p = root.at(parent);
        if (p instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else if (p instanceof ObjectNode o) {
            o.set(last, value);
        }
    }

    private static void add(List<Map.Entry<String, String>> out, String name, String what, ObjectNode original, Consumer<ObjectNode> edit) {
        ObjectNode copy = original.deepCopy();
        try {
            edit.accept(copy);
        } catch (RuntimeException notApplicable) {
            return;
        }
        String body = copy.toString();
        if (!body.equals(original.toString())) {
            out.add(Map.entry(name + ": " + what, body));
        }
    }

    private static void collect(JsonNode node, String pointer, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                String p = pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
                out.add(p);
                collect(f.getValue(), p, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(pointer + "/" + i);
                collect(node.get(i), pointer + "/" + i, out);
            }
        }
    }
}
