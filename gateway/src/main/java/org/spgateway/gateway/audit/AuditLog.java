package org.spgateway.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends to the audit log, inside the caller's transaction, so a disclosure and its audit record commit together.
 * The head row is locked while a record is chained, so appends are serialised across threads and nodes.
 */
@Component
public class AuditLog {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final AuditSigningKey key;
    private final TransactionTemplate transactions;
    private final int checkpointEvery;

    public AuditLog(JdbcTemplate jdbc, Clock clock, AuditSigningKey key, TransactionTemplate transactions,
                    @Value("${spgateway.audit.checkpoint-every:100}") int checkpointEvery) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.key = key;
        this.transactions = transactions;
        this.checkpointEvery = checkpointEvery;
    }

    /** Appends in the current transaction (required: the record belongs to the change being made). */
    public long append(AuditEntry entry) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("AuditLog.append must run inside the transaction of the audited change");
        }
        Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE");
        long seq = ((Number) head.get("last_seq")).longValue() + 1;
        String prev = (String) head.get("last_hash");
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = AuditChain.canonical(entry.details());
        String hash = AuditChain.hash(seq, at, entry.eventType(), entry.actor(), entry.patientId(), entry.recipientOrg(),
                entry.referralId(), details, prev);
        jdbc.update("INSERT INTO audit_record (seq, recorded_at, event_type, actor, patient_id, recipient_org, referral_id,"
                        + " details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", seq, Timestamp.from(at),
                entry.eventType(), entry.actor(), entry.patientId(), entry.recipientOrg(), entry.referralId(), details, prev, hash);
        jdbc.update("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", seq, hash);
        if (checkpointEvery > 0 && seq % checkpointEvery == 0) {
            sign(seq, hash);
        }
        return seq;
    }

    /** Appends in a transaction of its own, for events that change nothing else (an audit read, a dry run). */
    public long appendAlone(AuditEntry entry) {
        Long seq = transactions.execute(status -> append(entry));
        return seq == null ? 0 : seq;
    }

    /** Signs the current head now (also done every {@code spgateway.audit.checkpoint-every} records). */
    public void checkpoint() {
        transactions.executeWithoutResult(status -> {
            Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE");
            long seq = ((Number) head.get("last_seq")).longValue();
            Integer exists = jdbc.queryForObject("SELECT COUNT(*) FROM audit_checkpoint WHERE seq = ?", Integer.class, seq);
            if (seq > 0 && (exists == null || exists == 0)) {
                sign(seq, (String) head.get("last_hash"));
            }
        });
    }

    private void sign(long seq, String hash) {
        String signature = key.sign(checkpointMessage(seq, hash));
        jdbc.update("INSERT INTO audit_checkpoint (seq, hash, signature, public_key, signed_at) VALUES (?, ?, ?, ?, ?)",
                seq, hash, signature, key.publicKey(), Timestamp.from(clock.instant()));
    }

    static byte[] checkpointMessage(long seq, String hash) {
        return ("spgateway-audit-checkpoint:" + seq + ":" + hash).getBytes(StandardCharsets.UTF_8);
    }
}
