package org.spgateway.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends to the audit log, inside the caller's transaction, so a disclosure and its audit record commit together.
 * The head row is locked while a transaction's records are chained (just before it commits), so chaining is
 * serialised across threads and nodes.
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

    /**
     * Appends in the current transaction (required: the record belongs to the change being made). The record is
     * chained when the transaction is about to commit, together with every other record of the transaction, under one
     * lock of the head row: the lock that serialises all auditing transactions is then held only for the chaining and
     * the commit, not for the whole of the request's work (a referral's intake took the lock at its first audited
     * write and held it through routing, the consent gate and the outbox). If chaining fails, the transaction rolls
     * back: a change and its audit record still commit together or not at all.
     */
    public void append(AuditEntry entry) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("AuditLog.append must run inside the transaction of the audited change");
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(new ChainBeforeCommit());
        }
        pending.entries.add(entry);
        if (pending.chained) {
            chainPending(); // a record added after this transaction's chaining ran (another commit hook): chain it now
        }
    }

    /** Appends in a transaction of its own, for events that change nothing else (an audit read, a dry run). */
    public long appendAlone(AuditEntry entry) {
        Long seq = transactions.execute(status -> {
            append(entry);
            return chainPending();
        });
        return seq == null ? 0 : seq;
    }

    /** The records of one transaction not yet chained. */
    private static final class Pending {
        final List<AuditEntry> entries = new ArrayList<>();
        boolean chained;
    }

    /** Chains this transaction's records just before it commits, and forgets them when it ends. */
    private final class ChainBeforeCommit implements TransactionSynchronization, Ordered {
        @Override
        public void beforeCommit(boolean readOnly) {
            chainPending();
            Pending pending = (Pending) TransactionSynchronizationManager.getResource(AuditLog.this);
            if (pending != null) {
                pending.chained = true;
            }
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(AuditLog.this);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE; // after other commit hooks, which may still audit
        }
    }

    /** Chains the pending records of the current transaction under one lock of the head row; the last seq, or 0. */
    private long chainPending() {
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null || pending.entries.isEmpty()) {
            return 0;
        }
        Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE");
        long seq = ((Number) head.get("last_seq")).longValue();
        String prev = (String) head.get("last_hash");
        List<Object[]> rows = new ArrayList<>();
        List<long[]> checkpoints = new ArrayList<>();
        List<String> checkpointHashes = new ArrayList<>();
        for (AuditEntry entry : pending.entries) {
            seq++;
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            String details = AuditChain.canonical(entry.details());
            String hash = AuditChain.hash(seq, at, entry.eventType(), entry.actor(), entry.patientId(), entry.recipientOrg(),
                    entry.referralId(), details, prev);
            rows.add(new Object[] {seq, Timestamp.from(at), entry.eventType(), entry.actor(), entry.patientId(),
                    entry.recipientOrg(), entry.referralId(), details, prev, hash});
            if (checkpointEvery > 0 && seq % checkpointEvery == 0) {
                checkpoints.add(new long[] {seq});
                checkpointHashes.add(hash);
            }
            prev = hash;
        }
        pending.entries.clear();
        jdbc.batchUpdate("INSERT INTO audit_record (seq, recorded_at, event_type, actor, patient_id, recipient_org, referral_id,"
                + " details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
        jdbc.update("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", seq, prev);
        for (int i = 0; i < checkpoints.size(); i++) {
            sign(checkpoints.get(i)[0], checkpointHashes.get(i));
        }
        return seq;
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
