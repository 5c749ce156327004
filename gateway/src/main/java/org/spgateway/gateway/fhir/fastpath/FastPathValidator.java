package org.spgateway.gateway.fhir.fastpath;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Accepts a JSON body only when every construct in it is one these compiled checks fully cover and all of them pass;
 * otherwise it <em>defers</em>, and the caller runs the full HL7 validator, whose verdict and messages then stand. It
 * never refuses anything itself, so it cannot wrongly refuse; FastPathDifferentialTest proves it never accepts what the
 * full validator refuses, over the corpus and deliberately broken variants of it.
 * <p>
 * What it checks, from the snapshots of R4 base and the profiles the full validator applies to each resource type (the
 * referral profile to every ServiceRequest, the consent profile to every Consent): every property is an element of the
 * definition (JSON arrays exactly where the base cardinality repeats), cardinality, primitive JSON types and formats
 * (the R4 regular expressions, real calendar dates), no empty or blank values, codes against their code systems and
 * required bindings (through the full validator's own terminology services), reference formats and target types
 * (inside a Bundle: to an entry's {@code urn:uuid} full URL), and every error-level invariant of the definitions
 * (FHIRPath, evaluated with HAPI's engine on the parsed resource). What it does not check, and so defers on: XML,
 * extensions, narrative, contained resources, primitive extensions ({@code _x}), slices, fixed values and patterns,
 * canonical URLs, claimed profiles the gateway has, resource types outside the referral's, Bundle types other than
 * transaction and entries other than plain {@code POST} of a new resource.
 */
public final class FastPathValidator {

    /** The fast path's answer: accepted, or deferred to the full validator for the reason given. */
    public record Verdict(boolean accepted, String reason) {
        static final Verdict ACCEPT = new Verdict(true, null);
    }

    /** The resource types a referral transaction carries, the ones compiled. */
    public static final Set<String> TYPES = Set.of("Bundle", "Patient", "Organization", "Practitioner", "Condition",
            "Consent", "ServiceRequest", "MedicationStatement");

    private static final Pattern UUID_URN = Pattern.compile("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern RELATIVE = Pattern.compile("([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?");
    private static final Set<String> NUMERIC = Set.of("integer", "positiveInt", "unsignedInt", "decimal");
    private static final Set<String> NOT_CHECKED_PRIMITIVES = Set.of("canonical", "xhtml", "base64Binary");

    private final ObjectMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private final FhirContext fhirContext;
    private final IValidationSupport support;
    private final Terminology terminology;
    private final ElementTree trees;
    private final Map<String, ElementTree.Node> roots = new HashMap<>();
    private final Map<String, String> profileOf = new HashMap<>();
    private final Map<String, Pattern> regexOf = new ConcurrentHashMap<>();
    private final ThreadLocal<Engine> engines;

    /**
     * @param support         the full validator's validation support (definitions, terminology)
     * @param knownCodeSystems the same without its unknown-code-system warnings
     * @param appliedProfiles resource type -> the profile the full validator applies to it whether claimed or not
     */
    public FastPathValidator(FhirContext fhirContext, IValidationSupport support, IValidationSupport knownCodeSystems,
                             Map<String, String> appliedProfiles) {
        this.fhirContext = fhirContext;
        this.support = support;
        this.terminology = new Terminology(support, knownCodeSystems);
        this.trees = new ElementTree(url -> (StructureDefinition) support.fetchStructureDefinition(url));
        for (String type : TYPES) {
            String url = appliedProfiles.getOrDefault(type, ElementTree.BASE + type);
            StructureDefinition sd = (StructureDefinition) support.fetchStructureDefinition(url);
            if (sd == null || !sd.hasSnapshot()) {
                throw new IllegalStateException("No snapshot for " + url + ": the fast path cannot be compiled");
            }
            roots.put(type, trees.compile(sd));
            profileOf.put(type, url);
        }
        this.engines = ThreadLocal.withInitial(() -> new Engine(fhirContext.newFhirPath()));
    }

    /**
     * @param body   the raw body
     * @param parsed the same body as HAPI parsed it (leniently), for the invariants
     */
    public Verdict check(String body, IBaseResource parsed) {
        try {
            JsonNode tree;
            try {
                tree = json.readTree(body);
            } catch (Exception notPlainJson) {
                throw new Defer("not JSON the fast path reads");
            }
            if (!(tree instanceof ObjectNode root) || !(parsed instanceof Resource resource)) {
                throw new Defer("not a JSON resource");
            }
            walkResource(root, resource, null);
            return Verdict.ACCEPT;
        } catch (Defer d) {
            return new Verdict(false, d.getMessage());
        } catch (RuntimeException unexpected) {
            return new Verdict(false, "fast path failed: " + unexpected.getClass().getSimpleName());
        }
    }

    private static final class Defer extends RuntimeException {
        Defer(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Per-thread FHIRPath engine and its parsed expressions (HAPI's engine is not documented thread-safe). */
    private static final class Engine {
        final IFhirPath fhirPath;
        final Map<String, IFhirPath.IParsedExpression> parsed = new HashMap<>();

        Engine(IFhirPath fhirPath) {
            this.fhirPath = fhirPath;
        }
    }

    /** An invariant to evaluate on a resource, at a FHIRPath relative to it ("" for the resource itself). */
    private record Pending(String path, ElementTree.Invariant invariant) {
    }

    /** The state of one walk: the Bundle's full URLs and the entry being walked. */
    private static final class Walk {
        final Map<String, String> typeByFullUrl;
        final Bundle bundle;
        int entry = -1;

        Walk(Map<String, String> typeByFullUrl, Bundle bundle) {
            this.typeByFullUrl = typeByFullUrl;
            this.bundle = bundle;
        }
    }

    private void walkResource(ObjectNode json, Resource model, Walk bundleWalk) {
        String type = json.path("resourceType").asText(null);
        if (type == null || !TYPES.contains(type) || !type.equals(model.fhirType())) {
            throw new Defer("resource type not compiled: " + type);
        }
        if (bundleWalk != null && type.equals("Bundle")) {
            throw new Defer("nested Bundle");
        }
        checkClaimedProfiles(json, type);
        Walk walk = bundleWalk;
        if (type.equals("Bundle")) {
            walk = bundleWalk(json, (Bundle) model);
        } else if (json.has("id") && bundleWalk != null) {
            throw new Defer("entry resource with an id");
        }
        ElementTree.Node root = roots.get(type);
        Set<Pending> pending = new LinkedHashSet<>();
        for (ElementTree.Invariant inv : root.invariants) {
            pending.add(new Pending("", inv));
        }
        walkObject(json, root.children, "", pending, walk, true);
        evaluate(model, pending);
    }

    private void checkClaimedProfiles(ObjectNode json, String type) {
        JsonNode profiles = json.path("meta").path("profile");
        if (!profiles.isArray()) {
            return;
        }
        for (JsonNode p : profiles) {
            String url = p.asText("");
            String bare = url.contains("|") ? url.substring(0, url.indexOf('|')) : url;
            if (!bare.equals(profileOf.get(type)) && support.fetchStructureDefinition(bare) != null) {
                throw new Defer("claims a profile the gateway has: " + bare);
            }
        }
    }

    private Walk bundleWalk(ObjectNode bundle, Bundle model) {
        if (!"transaction".equals(bundle.path("type").asText())) {
            throw new Defer("not a transaction Bundle");
        }
        Map<String, String> types = new HashMap<>();
        JsonNode entries = bundle.path("entry");
        if (!entries.isArray()) {
            throw new Defer("no entries");
        }
        if (model.getEntry().size() != entries.size()) {
            throw new Defer("entries parsed differently");
        }
        for (JsonNode entry : entries) {
            String fullUrl = entry.path("fullUrl").asText("");
            JsonNode resource = entry.path("resource");
            JsonNode request = entry.path("request");
            if (!UUID_URN.matcher(fullUrl).matches() || !resource.isObject() || !request.isObject()
                    || entry.has("search") || entry.has("response")) {
                throw new Defer("entry shape");
            }
            String type = resource.path("resourceType").asText("");
            if (!"POST".equals(request.path("method").asText()) || !type.equals(request.path("url").asText())) {
                throw new Defer("entry request other than POST of its type");
            }
            if (types.put(fullUrl, type) != null) {
                throw new Defer("duplicate fullUrl");
            }
        }
        return new Walk(types, model);
    }

    private void walkObject(ObjectNode object, Map<String, ElementTree.Node> children, String path, Set<Pending> pending,
                            Walk walk, boolean resourceRoot) {
        if (children == null) {
            throw new Defer("no definition for " + path);
        }
        if (object.isEmpty() || (object.size() == 1 && object.has("id"))) {
            throw new Defer("empty element"); // ele-1
        }
        Map<String, Integer> presentByPath = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (resourceRoot && name.equals("resourceType")) {
                continue;
            }
            if (name.startsWith("_") || name.equals("extension") || name.equals("modifierExtension")
                    || name.equals("contained")) {
                throw new Defer("not covered: " + name);
            }
            ElementTree.Node node = children.get(name);
            if (node == null) {
                throw new Defer("unknown element " + name);
            }
            if (node.unsupported || node.max == 0) {
                throw new Defer("not covered: " + node.path);
            }
            int count;
            String childPath = segment(path, name, node);
            if (node.array) {
                if (!(value instanceof ArrayNode array) || array.isEmpty()) {
                    throw new Defer("array expected: " + node.path);
                }
                count = array.size();
                if (count > node.max) {
                    throw new Defer("too many: " + node.path);
                }
                for (int i = 0; i < count; i++) {
                    if (walk != null && node.path.equals("Bundle.entry")) {
                        walk.entry = i;
                    }
                    walkValue(array.get(i), node, childPath, pending, walk);
                }
            } else {
                if (value.isArray()) {
                    throw new Defer("single value expected: " + node.path);
                }
                count = 1;
                walkValue(value, node, childPath, pending, walk);
            }
            presentByPath.merge(node.path, count, Integer::sum);
        }
        for (ElementTree.Node node : children.values()) {
            if (node.min > 0 && presentByPath.getOrDefault(node.path, 0) < node.min) {
                throw new Defer("missing required " + node.path);
            }
        }
    }

    private static String segment(String path, String jsonName, ElementTree.Node node) {
        String seg;
        if (node.path.endsWith("[x]")) {
            String last = node.path.substring(node.path.lastIndexOf('.') + 1);
            seg = last.substring(0, last.length() - 3) + ".ofType(" + node.type + ")";
        } else {
            seg = jsonName;
        }
        return path.isEmpty() ? seg : path + "." + seg;
    }

    private void walkValue(JsonNode value, ElementTree.Node node, String path, Set<Pending> pending, Walk walk) {
        if (value == null || value.isNull()) {
            throw new Defer("null value");
        }
        String type = node.type;
        if (node.contentReference != null) {
            if (node.children == null || !(value instanceof ObjectNode object)) {
                throw new Defer("content reference " + node.path);
            }
            addInvariants(pending, path, node.invariants);
            walkObject(object, node.children, path, pending, walk, false);
            return;
        }
        if (type == null) {
            throw new Defer("untyped " + node.path);
        }
        if (Character.isLowerCase(type.charAt(0))) {
            primitive(value, type, node);
            addInvariants(pending, path, node.invariants);
            return;
        }
        switch (type) {
            case "Extension", "Narrative", "Meta" -> {
                if (!type.equals("Meta")) {
                    throw new Defer("not covered: " + type);
                }
            }
            case "Resource" -> {
                if (walk == null || walk.bundle == null || !node.path.equals("Bundle.entry.resource")
                        || !(value instanceof ObjectNode resource)) {
                    throw new Defer("resource not in a Bundle entry");
                }
                walkResource(resource, walk.bundle.getEntry().get(walk.entry).getResource(), walk);
                return;
            }
            default -> {
                // complex data types below
            }
        }
        if (!(value instanceof ObjectNode object)) {
            throw new Defer("object expected: " + node.path);
        }
        if (type.equals("Reference")) {
            reference(object, node, walk);
        } else if (type.equals("Coding")) {
            coding(object, node.bindingStrength, node.valueSet, true);
        } else if (type.equals("CodeableConcept")) {
            codeableConcept(object, node);
        }
        addInvariants(pending, path, node.invariants);
        addInvariants(pending, path, trees.typeInvariants(node));
        walkObject(object, trees.children(node), path, pending, walk, false);
    }

    private static void addInvariants(Set<Pending> pending, String path, List<ElementTree.Invariant> invariants) {
        for (ElementTree.Invariant inv : invariants) {
            pending.add(new Pending(path, inv));
        }
    }

    private void reference(ObjectNode ref, ElementTree.Node node, Walk walk) {
        if (ref.has("type")) {
            throw new Defer("Reference.type");
        }
        JsonNode r = ref.get("reference");
        if (r == null) {
            return; // identifier or display only: no target to check
        }
        if (!r.isTextual()) {
            throw new Defer("reference not a string");
        }
        String reference = r.asText();
        String target;
        if (walk != null && walk.typeByFullUrl != null) {
            target = walk.typeByFullUrl.get(reference);
            if (target == null) {
                throw new Defer("reference not to an entry of the Bundle");
            }
        } else {
            var m = RELATIVE.matcher(reference);
            if (!m.matches()) {
                throw new Defer("reference format");
            }
            target = m.group(1);
        }
        if (node.targetTypes == null || (!node.targetTypes.isEmpty() && !node.targetTypes.contains(target))) {
            throw new Defer("reference target type " + target + " at " + node.path);
        }
    }

    /** A Coding's code must be valid in its (known) code system, and in the value set of a required binding. */
    private void coding(ObjectNode coding, String strength, String valueSet, boolean bindingApplies) {
        JsonNode system = coding.get("system");
        JsonNode code = coding.get("code");
        JsonNode display = coding.get("display");
        if (system == null || code == null || !system.isTextual() || !code.isTextual()
                || (display != null && !display.isTextual()) || coding.has("version") || coding.has("userSelected")) {
            throw new Defer("coding without system and code");
        }
        String d = display == null ? null : display.asText();
        if (!terminology.codeSystemAccepts(system.asText(), code.asText(), d)) {
            throw new Defer("code not clean in its code system");
        }
        if (bindingApplies && "required".equals(strength) && !terminology.valueSetContains(valueSet, system.asText(), code.asText(), d)) {
            throw new Defer("code not in a required value set");
        }
    }

    private void codeableConcept(ObjectNode concept, ElementTree.Node node) {
        JsonNode codings = concept.get("coding");
        if ("required".equals(node.bindingStrength)) {
            if (!(codings instanceof ArrayNode array) || array.isEmpty()) {
                throw new Defer("required binding without a coding");
            }
            boolean inValueSet = false;
            for (JsonNode c : array) {
                if (c instanceof ObjectNode o && o.get("system") != null && o.get("code") != null
                        && terminology.valueSetContains(node.valueSet, o.get("system").asText(), o.get("code").asText(),
                        o.has("display") ? o.get("display").asText() : null)) {
                    inValueSet = true;
                }
            }
            if (!inValueSet) {
                throw new Defer("no coding in a required value set");
            }
        }
        // each coding's own code system check runs when the walk reaches it (type Coding, no binding of its own)
    }

    private void primitive(JsonNode value, String type, ElementTree.Node node) {
        if (type.equals("canonical") && node.path.equals("Meta.profile")) {
            type = "uri"; // what a claimed profile means is judged by checkClaimedProfiles
        }
        if (NOT_CHECKED_PRIMITIVES.contains(type)) {
            throw new Defer("not covered: " + type);
        }
        switch (type) {
            case "boolean" -> {
                if (!value.isBoolean()) {
                    throw new Defer("boolean expected");
                }
                return;
            }
            case "integer", "positiveInt", "unsignedInt" -> {
                if (!value.isIntegralNumber() || !value.canConvertToInt()
                        || (type.equals("positiveInt") && value.intValue() < 1)
                        || (type.equals("unsignedInt") && value.intValue() < 0)) {
                    throw new Defer("integer expected");
                }
                return;
            }
            case "decimal" -> {
                if (!value.isNumber()) {
                    throw new Defer("decimal expected");
                }
                return;
            }
            default -> {
                // string-valued below
            }
        }
        if (!value.isTextual()) {
            throw new Defer("string expected");
        }
        String s = value.asText();
        if (s.isEmpty() || s.isBlank() || !s.equals(s.strip())) {
            throw new Defer("empty or padded value");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == '<' || c == '>' || Character.isSurrogate(c)) {
                throw new Defer("characters the fast path does not judge");
            }
        }
        if ((type.equals("uri") || type.equals("url") || type.equals("oid") || type.equals("uuid")) && !plainUri(s)
                && !node.path.equals("Bundle.entry.request.url")) { // checked against the entry's type by bundleWalk
            throw new Defer("a URI the fast path does not judge");
        }
        Pattern regex = regex(type);
        if (regex != null && !regex.matcher(s).matches()) {
            throw new Defer("format of " + type);
        }
        if ((type.equals("date") || type.equals("dateTime") || type.equals("instant")) && !realDate(s)) {
            throw new Defer("not a calendar date");
        }
        if ("required".equals(node.bindingStrength) && type.equals("code")
                && !terminology.valueSetContains(node.valueSet, null, s, null)) {
            throw new Defer("code not in a required value set");
        }
    }

    private static final Pattern HTTP = Pattern.compile("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?(/[A-Za-z0-9\\-._~%!$&'()*+,;=:@/]*)?");
    private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]*))+");

    /** Absolute http(s) URLs, urn:uuid and urn:oid only: the forms the full validator accepts wherever a URI goes. */
    private static boolean plainUri(String s) {
        return HTTP.matcher(s).matches() || UUID_URN.matcher(s).matches() || OID.matcher(s).matches();
    }

    private static boolean realDate(String s) {
        try {
            if (s.length() >= 10) {
                java.time.LocalDate.parse(s.substring(0, 10));
            } else if (s.length() == 7) {
                java.time.YearMonth.parse(s);
            }
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** The R4 regular expression of a primitive type (its value element's regex extension); null: none. */
    private Pattern regex(String type) {
        Pattern p = regexOf.computeIfAbsent(type, t -> {
            StructureDefinition sd = (StructureDefinition) support.fetchStructureDefinition(ElementTree.BASE + t);
            if (sd == null) {
                return Pattern.compile("(?!)"); // unknown type: never matches, so defers
            }
            for (ElementDefinition e : sd.getSnapshot().getElement()) {
                if (e.getPath().equals(t + ".value")) {
                    for (ElementDefinition.TypeRefComponent tr : e.getType()) {
                        String regex = tr.getExtensionString("http://hl7.org/fhir/StructureDefinition/regex");
                        if (regex != null) {
                            return Pattern.compile(regex);
                        }
                    }
                }
            }
            return Pattern.compile("[\\s\\S]*");
        });
        return p;
    }

    private void evaluate(Resource model, Set<Pending> pending) {
        Engine engine = engines.get();
        for (Pending p : pending) {
            String expression = p.invariant().expression();
            if (expression == null || expression.isBlank()) {
                throw new Defer("invariant without expression " + p.invariant().key());
            }
            String full = p.path().isEmpty() ? expression : p.path() + ".all(" + expression + ")";
            List<IBase> result;
            try {
                IFhirPath.IParsedExpression parsed = engine.parsed.get(full);
                if (parsed == null) {
                    parsed = engine.fhirPath.parse(full);
                    engine.parsed.put(full, parsed);
                }
                result = engine.fhirPath.evaluate(model, parsed, IBase.class);
            } catch (Exception e) {
                throw new Defer("invariant " + p.invariant().key() + " could not be evaluated");
            }
            if (result.size() != 1 || !(result.get(0) instanceof IPrimitiveType<?> b) || !Boolean.TRUE.equals(b.getValue())) {
                throw new Defer("invariant " + p.invariant().key() + " not met");
            }
        }
    }

    FhirContext fhirContext() {
        return fhirContext;
    }

    /** For tests: the verdict on a body parsed here. */
    public Verdict check(String body) {
        IBaseResource parsed;
        try {
            parsed = fhirContext.newJsonParser().setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false)
                    .setErrorOnInvalidValue(false)).parseResource(body);
        } catch (RuntimeException e) {
            return new Verdict(false, "not parsed");
        }
        return check(body, parsed);
    }

}
