package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;

/**
 * Which data class each field of a payload schema holds, by JSON Pointer, plus the envelope fields that carry no
 * patient data ({@code /event}, {@code /schemaVersion}, {@code /messageId}, {@code /referralId}...).
 *
 * <p>A classified pointer may name a scalar, an object or an array; the whole subtree then has that class. Pointers
 * must not nest (no pointer may be an ancestor of another), because an inner field with a stricter class would
 * otherwise ride out under its parent's permit. Envelope fields must be scalars in the payload, for the same
 * reason. Classified fields absent from a payload are fine: schemas have optional fields.
 *
 * @param fields   data class per JSON Pointer
 * @param envelope JSON Pointers of envelope fields, sent as they are
 */
public record FieldClassification(Map<String, DataClass> fields, Set<String> envelope) {

    public FieldClassification {
        Objects.requireNonNull(fields, "fields");
        envelope = envelope == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(envelope));
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        var all = new ArrayList<String>(fields.keySet());
        for (String pointer : envelope) {
            if (fields.containsKey(pointer)) {
                throw new IllegalArgumentException(pointer + " is both classified and an envelope field");
            }
            all.add(pointer);
        }
        all.forEach(FieldClassification::requireValidPointer);
        requireNoNesting(all);
    }

    /** A classification with no envelope fields. */
    public static FieldClassification of(Map<String, DataClass> fields) {
        return new FieldClassification(fields, Set.of());
    }

    /** A copy that also allows these envelope fields. */
    public FieldClassification withEnvelope(String... pointers) {
        var all = new LinkedHashSet<>(envelope);
        all.addAll(List.of(pointers));
        return new FieldClassification(fields, all);
    }

    /** The class of the field at {@code pointer}, or {@code null} if it is not classified. */
    public DataClass classOf(String pointer) {
        return fields.get(pointer);
    }

    /** Whether {@code pointer} is a declared envelope field. */
    public boolean isEnvelope(String pointer) {
        return envelope.contains(pointer);
    }

    private static void requireValidPointer(String pointer) {
        if (pointer == null || pointer.isEmpty() || !pointer.startsWith("/")) {
            throw new IllegalArgumentException("not a JSON Pointer to a field: '" + pointer + "'");
        }
        JsonPointer.compile(pointer);
    }

    private static void requireNoNesting(List<String> pointers) {
        for (String outer : pointers) {
            for (String inner : pointers) {
                if (inner.startsWith(outer + "/")) {
                    throw new IllegalArgumentException(
                            "classified pointers must not nest: " + inner + " is inside " + outer);
                }
            }
        }
    }
}
