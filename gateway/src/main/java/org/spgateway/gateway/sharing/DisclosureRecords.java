package org.spgateway.gateway.sharing;

import java.sql.Timestamp;
import org.spgateway.consent.disclosure.DisclosureRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Stores disclosure records, in the caller's transaction (the one that enqueues the outbound message). */
@Component
public class DisclosureRecords {

    private final JdbcTemplate jdbc;

    public DisclosureRecords(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(DisclosureRecord record, String referralId) {
        jdbc.update("INSERT INTO disclosure_record (message_id, recipient_org, recipient_role, patient_id, referral_id,"
                        + " consent_id, policy_version, record_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                record.messageId(), record.recipient().organisationId(), record.recipient().role().id(), record.patientId(),
                referralId, record.consentId(), record.policyVersion(), record.toJson(), Timestamp.from(record.decidedAt()));
    }

    public int countForReferral(String referralId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record WHERE referral_id = ?", Integer.class, referralId);
        return n == null ? 0 : n;
    }
}
