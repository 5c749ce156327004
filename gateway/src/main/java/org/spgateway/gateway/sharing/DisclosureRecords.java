package org.spgateway.gateway.sharing;

import java.sql.Timestamp;
import org.spgateway.consent.disclosure.DisclosureRecord;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Stores disclosure records, and their entry in the tamper-evident audit log, in the caller's transaction (the one
 * that enqueues the outbound message).
 */
@Component
public class DisclosureRecords {

    private final JdbcTemplate jdbc;
    private final AuditLog audit;

    public DisclosureRecords(JdbcTemplate jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public void save(DisclosureRecord record, String referralId) {
        jdbc.update("INSERT INTO disclosure_record (message_id, recipient_org, recipient_role, patient_id, referral_id,"
                        + " consent_id, policy_version, record_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                record.messageId(), record.recipient().organisationId(), record.recipient().role().id(), record.patientId(),
                referralId, record.consentId(), record.policyVersion(), record.toJson(), Timestamp.from(record.decidedAt()));
        audit.append(new AuditEntry("disclosure", "gateway", record.patientId(), record.recipient().organisationId(),
                referralId, record.toJsonNode()));
    }

    public int countForReferral(String referralId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record WHERE referral_id = ?", Integer.class, referralId);
        return n == null ? 0 : n;
    }
}
