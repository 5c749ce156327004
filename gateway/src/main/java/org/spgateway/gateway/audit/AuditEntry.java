package org.spgateway.gateway.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What to record. {@code details} holds the event's particulars (for a disclosure: the disclosure record); it never
 * goes to application logs.
 *
 * @param eventType    e.g. {@code disclosure}, {@code consent.recorded}, {@code referral.status-changed}
 * @param actor        who did it: {@code gateway}, {@code organisation:<id>}, {@code ig-lead:<user>}, ...
 * @param patientId    the patient concerned, if any
 * @param recipientOrg the organisation that received data, if any
 * @param referralId   the referral concerned, if any
 */
public record AuditEntry(String eventType, String actor, String patientId, String recipientOrg, String referralId,
                         ObjectNode details) {
}
