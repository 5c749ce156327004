package org.spgateway.gateway.fhir.fastpath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * One StructureDefinition's snapshot as a tree the fast path walks: per element its JSON name(s), cardinality (the
 * profile's, and the base's, which decides array or not in JSON), its one type (choice elements are expanded into one
 * child per type, {@code valueQuantity}...), binding, error-level invariants, and whether it is sliced (which the fast
 * path does not check, so it defers). Children of a complex type whose snapshot does not list them are those of the
 * type's own StructureDefinition, loaded on first use (with its root invariants, as the HL7 validator applies them).
 */
final class ElementTree {

    /** An invariant to evaluate: key and FHIRPath expression. */
    record Invariant(String key, String expression) {
    }

    static final class Node {
        final String path;
        final String type;
        final int min;
        final int max; // Integer.MAX_VALUE for *
        final boolean array;
        final List<String> targetTypes; // Reference: allowed target resource types, empty = any; null = unsupported profile
        final String bindingStrength;
        final String valueSet;
        final boolean unsupported; // sliced, or a construct the fast path does not check
        final List<Invariant> invariants;
        Map<String, Node> children; // null until resolved
        String contentReference;

        Node(String path, String type, int min, int max, boolean array, List<String> targetTypes, String bindingStrength,
             String valueSet, boolean unsupported, List<Invariant> invariants) {
            this.path = path;
            this.type = type;
            this.min = min;
            this.max = max;
            this.array = array;
            this.targetTypes = targetTypes;
            this.bindingStrength = bindingStrength;
            this.valueSet = valueSet;
            this.unsupported = unsupported;
            this.invariants = invariants;
        }
    }

    /** Keys handled natively by the walk (ele-1: no empty elements; ext-1 and dom-2..5: extensions and contained defer). */
    private static final java.util.Set<String> NATIVE = java.util.Set.of("ele-1", "ext-1", "dom-2", "dom-3", "dom-4", "dom-5");

    static final String BASE = "http://hl7.org/fhir/StructureDefinition/";

    private final Function<String, StructureDefinition> definitions;
    private final Map<String, Node> datatypeRoots = new ConcurrentHashMap<>();

    ElementTree(Function<String, StructureDefinition> definitions) {
        this.definitions = definitions;
    }

    /** The root of a resource type's tree from its (profile's) snapshot. */
    Node compile(StructureDefinition sd) {
        List<ElementDefinition> elements = sd.getSnapshot().getElement();
        Map<String, ElementDefinition> byPath = new LinkedHashMap<>();
        Map<String, Boolean> sliced = new HashMap<>();
        for (ElementDefinition e : elements) {
            if (e.hasSliceName()) {
                sliced.put(e.getPath(), true);
                continue; // slices are not walked: an element with slices defers
            }
            if (!byPath.containsKey(e.getPath())) {
                byPath.put(e.getPath(), e);
            }
            if (e.hasSlicing()) {
                sliced.put(e.getPath(), true);
            }
        }
        // element path -> its JSON children
        Map<String, Map<String, Node>> childrenOf = new HashMap<>();
        Map<String, Node> nodes = new HashMap<>();
        ElementDefinition rootDef = elements.get(0);
        Node root = new Node(rootDef.getPath(), sd.getType(), 0, 1, false, List.of(), null, null, false, invariants(rootDef));
        root.children = new LinkedHashMap<>();
        nodes.put(rootDef.getPath(), root);
        childrenOf.put(rootDef.getPath(), root.children);
        for (ElementDefinition e : byPath.values()) {
            String path = e.getPath();
            int dot = path.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            String parent = path.substring(0, dot);
            String name = path.substring(dot + 1);
            Map<String, Node> siblings = childrenOf.get(parent);
            if (siblings == null) {
                continue; // under a slice or an unknown parent
            }
            boolean isSliced = sliced.containsKey(path);
            int min = e.getMin();
            int max = "*".equals(e.getMax()) ? Integer.MAX_VALUE : Integer.parseInt(e.getMax());
            String baseMax = e.hasBase() ? e.getBase().getMax() : e.getMax();
            boolean array = !"1".equals(baseMax) && !"0".equals(baseMax);
            String strength = e.hasBinding() && e.getBinding().hasStrength() ? e.getBinding().getStrength().toCode() : null;
            String valueSet = e.hasBinding() && e.getBinding().hasValueSet() ? e.getBinding().getValueSet() : null;
            boolean unsupportedBinding = e.hasBinding() && (e.getBinding().hasExtension(
                    "http://hl7.org/fhir/StructureDefinition/elementdefinition-maxValueSet")
                    || e.getBinding().hasExtension("http://hl7.org/fhir/tools/StructureDefinition/additional-binding"));
            List<Invariant> inv = invariants(e);
            // fixed values, patterns, value limits and length limits are not checked by the fast path: such an
            // element, when present, defers to the full validator
            boolean constrainedValue = e.hasFixed() || e.hasPattern() || e.hasMinValue() || e.hasMaxValue()
                    || e.hasMaxLength() || e.hasExtension("http://hl7.org/fhir/StructureDefinition/elementdefinition-question");
            unsupportedBinding = unsupportedBinding || constrainedValue;
            if (e.hasContentReference()) {
                Node node = new Node(path, null, min, max, array, List.of(), strength, valueSet, isSliced, inv);
                node.contentReference = e.getContentReference().substring(e.getContentReference().indexOf('#') + 1);
                siblings.put(name, node);
                nodes.put(path, node);
                childrenOf.put(path, new LinkedHashMap<>());
                continue;
            }
            boolean choice = name.endsWith("[x]");
            for (ElementDefinition.TypeRefComponent t : e.getType()) {
                String code = typeCode(t);
                List<String> targets = targets(t);
                boolean profiled = t.hasProfile();
                Node node = new Node(path, code, min, max, array, targets, strength, valueSet,
                        isSliced || profiled || unsupportedBinding, inv);
                String jsonName = choice ? name.substring(0, name.length() - 3) + Character.toUpperCase(code.charAt(0))
                        + code.substring(1) : name;
                siblings.put(jsonName, node);
                if (!choice) {
                    nodes.put(path, node);
                    childrenOf.put(path, new LinkedHashMap<>());
                }
            }
        }
        // elements whose snapshot lists children use those; the others get their type's on first use
        for (Map.Entry<String, Node> n : nodes.entrySet()) {
            Map<String, Node> kids = childrenOf.get(n.getKey());
            if (kids != null && !kids.isEmpty()) {
                n.getValue().children = kids;
            }
        }
        for (Node n : nodes.values()) {
            if (n.contentReference != null) {
                Node target = nodes.get(n.contentReference);
                n.children = target == null ? null : target.children;
                if (target == null) {
                    n.contentReference = "unresolved";
                }
            }
        }
        return root;
    }

    /** The JSON children of a complex element, with the invariants of its type's root when they come from the type. */
    Map<String, Node> children(Node node) {
        if (node.children != null) {
            return node.children;
        }
        Node typeRoot = datatype(node.type);
        return typeRoot == null ? null : typeRoot.children;
    }

    /** Invariants of the element's type (its root), which apply when the children come from the type. */
    List<Invariant> typeInvariants(Node node) {
        if (node.children != null || node.type == null) {
            return List.of();
        }
        Node typeRoot = datatype(node.type);
        return typeRoot == null ? List.of() : typeRoot.invariants;
    }

    Node datatype(String type) {
        if (type == null) {
            return null;
        }
        return datatypeRoots.computeIfAbsent(type, t -> {
            StructureDefinition sd = definitions.apply(BASE + t);
            return sd == null || !sd.hasSnapshot() ? null : compile(sd);
        });
    }

    static String typeCode(ElementDefinition.TypeRefComponent t) {
        String code = t.getCode();
        if (code != null && code.startsWith("http://hl7.org/fhirpath/System.")) {
            // the primitive value of id, extension url and the like: the fhir-type extension names the FHIR type
            String fhirType = t.getExtensionString("http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type");
            return fhirType != null ? fhirType : "string";
        }
        return code;
    }

    private static List<String> targets(ElementDefinition.TypeRefComponent t) {
        if (!t.hasTargetProfile()) {
            return List.of();
        }
        List<String> types = new ArrayList<>();
        for (var p : t.getTargetProfile()) {
            String url = p.getValue();
            if (url == null || !url.startsWith(BASE) || url.substring(BASE.length()).contains("/")) {
                return null; // a profile as the target: not checked by the fast path
            }
            String type = url.substring(BASE.length());
            if (type.equals("Resource")) {
                return List.of();
            }
            types.add(type);
        }
        return types;
    }

    private static List<Invariant> invariants(ElementDefinition e) {
        List<Invariant> out = new ArrayList<>();
        for (ElementDefinition.ElementDefinitionConstraintComponent c : e.getConstraint()) {
            if (c.getSeverity() == ElementDefinition.ConstraintSeverity.ERROR && !NATIVE.contains(c.getKey())) {
                out.add(new Invariant(c.getKey(), c.getExpression()));
            }
        }
        return out;
    }
}
