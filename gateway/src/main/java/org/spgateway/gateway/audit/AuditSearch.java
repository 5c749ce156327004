package org.spgateway.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.spgateway.gateway.fhir.NhsNumber;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Finds audit records for IG leads: by patient (id or NHS number), recipient organisation, data class, dates, type. */
@Component
public class AuditSearch {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX = 10_000;

    /** Search criteria; null means "any". */
    public record Criteria(String patientId, String nhsNumber, String organisation, String dataClass, Instant from,
                           Instant to, String eventType) {
    }

    /** One record as IG leads see it. */
    public record Found(long seq, Instant recordedAt, String eventType, String actor, String patientId,
                        String recipientOrg, String referralId, JsonNode details) {
    }

    private final JdbcTemplate jdbc;
    private final ResourceRepository resources;

    public AuditSearch(JdbcTemplate jdbc, ResourceRepository resources) {
        this.jdbc = jdbc;
        this.resources = resources;
    }

    public List<Found> find(Criteria c, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, recorded_at, event_type, actor, patient_id, recipient_org,"
                + " referral_id, details FROM audit_record WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        if (c.patientId() != null) {
            patients.add(c.patientId());
        }
        if (c.nhsNumber() != null) {
            patients.addAll(resources.idsByIdentifier("Patient", NhsNumber.SYSTEM, c.nhsNumber()));
            if (patients.isEmpty()) {
                return List.of();
            }
        }
        if (!patients.isEmpty()) {
            sql.append(" AND patient_id IN (").append(String.join(",", patients.stream().map(p -> "?").toList())).append(")");
            args.addAll(patients);
        }
        if (c.organisation() != null) {
            sql.append(" AND recipient_org = ?");
            args.add(c.organisation());
        }
        if (c.eventType() != null) {
            sql.append(" AND event_type = ?");
            args.add(c.eventType());
        }
        if (c.from() != null) {
            sql.append(" AND recorded_at >= ?");
            args.add(Timestamp.from(c.from()));
        }
        if (c.to() != null) {
            sql.append(" AND recorded_at < ?");
            args.add(Timestamp.from(c.to()));
        }
        sql.append(" ORDER BY seq LIMIT ").append(Math.min(MAX, Math.max(1, limit)) * (c.dataClass() == null ? 1 : 10));
        List<Found> found = jdbc.query(sql.toString(), (rs, i) -> new Found(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), parse(rs.getString(8))),
                args.toArray());
        if (c.dataClass() == null) {
            return found;
        }
        return found.stream().filter(f -> sent(f.details(), c.dataClass())).limit(limit).toList();
    }

    /** Whether a disclosure record says this class was sent. */
    static boolean sent(JsonNode details, String dataClass) {
        for (JsonNode sent : details.path("classesSent")) {
            if (sent.asText().equals(dataClass)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode parse(String details) {
        try {
            return JSON.readTree(details);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JSON.createObjectNode().put("unreadable", true);
        }
    }
}
