package org.spgateway.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash of a record: SHA-256 over the canonical JSON of its fields (keys sorted, no whitespace, the previous
 * record's hash included), so changing, removing, inserting or moving any record breaks the chain from there on.
 */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private AuditChain() {
    }

    static String hash(long seq, Instant recordedAt, String eventType, String actor, String patientId, String recipientOrg,
                       String referralId, String details, String prevHash) {
        ObjectNode node = CANONICAL.createObjectNode();
        node.put("seq", seq);
        node.put("recordedAt", recordedAt.toString());
        node.put("eventType", eventType);
        node.put("actor", actor);
        node.put("patientId", patientId);
        node.put("recipientOrg", recipientOrg);
        node.put("referralId", referralId);
        node.put("details", details);
        node.put("prevHash", prevHash);
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(sorted(node));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash audit record", e);
        }
    }

    /** Canonical form of a details object: keys sorted at every level. */
    static String canonical(JsonNode details) {
        try {
            return CANONICAL.writeValueAsString(sorted(details));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise audit details", e);
        }
    }

    private static Object sorted(JsonNode node) {
        return CANONICAL.convertValue(node, Object.class);
    }
}
