package org.spgateway.mappings;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The full, unredacted {@code referral.created} v1 event for one recipient, and what the consent module needs to
 * redact it.
 *
 * <p>The gateway must never send {@link #payload()} as it is: it goes through the consent module's disclosure gate
 * with {@link #classification()} and {@link #envelope()} (design.md section 2.3).
 *
 * @param payload                     the event body; a fresh tree owned by the caller
 * @param classification              data class id (the consent module's {@code DataClass#id()}) per JSON Pointer of
 *                                    every patient-data field present in {@code payload}
 * @param envelope                    JSON Pointers of the envelope fields present in {@code payload}; all scalars
 * @param contactingSubjectProhibited whether the GP asked that the patient not be contacted directly
 *                                    ({@code ServiceRequest.orderDetail} {@code contacting-subject-prohibited}); the
 *                                    consent module then withholds contact details
 */
public record VcsReferral(
        ObjectNode payload,
        Map<String, String> classification,
        List<String> envelope,
        boolean contactingSubjectProhibited) {

    public VcsReferral {
        Objects.requireNonNull(payload, "payload");
        classification = Collections.unmodifiableMap(new LinkedHashMap<>(classification));
        envelope = List.copyOf(envelope);
    }
}
