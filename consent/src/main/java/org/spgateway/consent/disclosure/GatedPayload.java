package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.spgateway.consent.decision.Decision;

/**
 * What may be sent, why, and what to write in the audit log.
 *
 * @param payload  redacted deep copy of the request's payload; the only thing that may be sent
 * @param decision the per-class decision
 * @param record   the disclosure record, to persist in the same transaction as the outbound message
 */
public record GatedPayload(ObjectNode payload, Decision decision, DisclosureRecord record) {

    /** Whether the gateway should hold the referral with reason "awaiting consent" instead of sending it. */
    public boolean awaitingConsent() {
        return decision.awaitingConsent();
    }
}
