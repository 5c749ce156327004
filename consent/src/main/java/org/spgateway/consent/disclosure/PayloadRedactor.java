package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spgateway.consent.DataClass;

/**
 * Removes every field of a withheld class from a payload, building a new tree so the input is never touched.
 *
 * <p>Fails closed with {@link UnclassifiedFieldException} on any leaf (scalar, or empty object or array) that is
 * neither inside a classified field nor an envelope field. Containers left empty only because their contents were
 * withheld are dropped too, so the shape of the payload does not hint at what was removed.
 */
public final class PayloadRedactor {

    /** The data classes {@code payload} actually contains; fails on unclassified fields. */
    public Set<DataClass> classesPresent(ObjectNode payload, FieldClassification classification) {
        var walk = new Walk(classification, EnumSet.allOf(DataClass.class));
        walk.copy(payload, "");
        var present = EnumSet.noneOf(DataClass.class);
        walk.sent.forEach(pointer -> {
            DataClass dataClass = classification.classOf(pointer);
            if (dataClass != null) {
                present.add(dataClass);
            }
        });
        return present;
    }

    /** A deep copy of {@code payload} holding only envelope fields and fields of {@code permitted} classes. */
    public Redaction redact(ObjectNode payload, FieldClassification classification, Set<DataClass> permitted) {
        var walk = new Walk(classification, permitted.isEmpty() ? EnumSet.noneOf(DataClass.class)
                : EnumSet.copyOf(permitted));
        JsonNode copy = walk.copy(payload, "");
        ObjectNode result = copy == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) copy;
        var sent = new ArrayList<String>();
        // Classified fields first, then envelope fields, each in document order: easier to read in an audit record.
        walk.sent.stream().filter(p -> !classification.isEnvelope(p)).forEach(sent::add);
        walk.sent.stream().filter(classification::isEnvelope).forEach(sent::add);
        return new Redaction(result, sent, walk.withheld);
    }

    /** One traversal; collects pointers as it copies. */
    private static final class Walk {
        private final FieldClassification classification;
        private final Set<DataClass> permitted;
        private final List<String> sent = new ArrayList<>();
        private final List<String> withheld = new ArrayList<>();

        Walk(FieldClassification classification, Set<DataClass> permitted) {
            this.classification = classification;
            this.permitted = permitted;
        }

        /** The copy of {@code node} at {@code pointer}, or {@code null} if nothing of it may be sent. */
        JsonNode copy(JsonNode node, String pointer) {
            if (!pointer.isEmpty()) {
                DataClass dataClass = classification.classOf(pointer);
                if (dataClass != null) {
                    if (permitted.contains(dataClass)) {
                        sent.add(pointer);
                        return node.deepCopy();
                    }
                    withheld.add(pointer);
                    return null;
                }
                if (classification.isEnvelope(pointer)) {
                    if (node.isContainerNode()) {
                        // An envelope object could smuggle patient data past classification; only scalars qualify.
                        throw new IllegalArgumentException("envelope field " + pointer + " must be a scalar");
                    }
                    sent.add(pointer);
                    return node.deepCopy();
                }
            }
            if (node.isObject() && !node.isEmpty()) {
                return copyObject((ObjectNode) node, pointer);
            }
            if (node.isArray() && !node.isEmpty()) {
                return copyArray((ArrayNode) node, pointer);
            }
            throw new UnclassifiedFieldException(pointer.isEmpty() ? "/" : pointer);
        }

        private JsonNode copyObject(ObjectNode node, String pointer) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode child = copy(field.getValue(), pointer + "/" + escape(field.getKey()));
                if (child != null) {
                    result.set(field.getKey(), child);
                }
            }
            return result.isEmpty() ? null : result;
        }

        private JsonNode copyArray(ArrayNode node, String pointer) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = copy(node.get(i), pointer + "/" + i);
                if (child != null) {
                    result.add(child);
                }
            }
            return result.isEmpty() ? null : result;
        }

        private static String escape(String name) {
            // RFC 6901: '~' becomes '~0' and '/' becomes '~1', in that order.
            return name.replace("~", "~0").replace("/", "~1");
        }
    }
}
