package org.spgateway.mappings;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The envelope-only events the gateway sends to a VCS organisation besides {@code referral.created}
 * (design.md section 2.6). They carry no patient data, only the referral id the organisation already holds, so they
 * need no consent decision: a withdrawal must reach the organisation precisely when consent is gone.
 */
public final class OutboundVcsEvents {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Every event type the gateway sends to VCS organisations, {@code referral.created} included. */
    public static final java.util.List<String> TYPES = java.util.List.of("referral.created", "referral.cancelled",
            "consent.withdrawn");

    private OutboundVcsEvents() {
    }

    /**
     * {@code referral.cancelled} with {@code cancelledBy=referrer}: the GP revoked the ServiceRequest. The GP's
     * reason is not included, since it is free text that may carry clinical detail.
     */
    public static ObjectNode referralCancelled(String messageId, String referralId, Instant occurredAt) {
        ObjectNode node = envelope("referral.cancelled", messageId, referralId, occurredAt);
        node.put("cancelledBy", "referrer");
        return node;
    }

    /**
     * {@code consent.withdrawn}: the patient withdrew consent; the organisation must stop processing the referral
     * and handle what it holds under its own data protection duties (UK GDPR Art. 7(3)).
     */
    public static ObjectNode consentWithdrawn(String messageId, String referralId, Instant occurredAt) {
        return envelope("consent.withdrawn", messageId, referralId, occurredAt);
    }

    private static ObjectNode envelope(String type, String messageId, String referralId, Instant occurredAt) {
        ObjectNode node = JSON.objectNode();
        node.put("type", type);
        node.put("schemaVersion", ReferralToVcsMapper.SCHEMA_VERSION);
        node.put("messageId", Objects.requireNonNull(messageId, "messageId"));
        node.put("referralId", Objects.requireNonNull(referralId, "referralId"));
        node.put("occurredAt", Objects.requireNonNull(occurredAt, "occurredAt").toString());
        return node;
    }
}
