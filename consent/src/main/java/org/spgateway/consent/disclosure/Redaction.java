package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of redacting a payload.
 *
 * @param payload  the redacted deep copy
 * @param sent     JSON Pointers (into the input) of fields kept: classified fields of permitted classes, then
 *                 envelope fields, in document order
 * @param withheld JSON Pointers (into the input) of classified fields removed, in document order
 */
public record Redaction(ObjectNode payload, List<String> sent, List<String> withheld) {
    public Redaction {
        sent = List.copyOf(sent);
        withheld = List.copyOf(withheld);
    }
}
