package org.spgateway.gateway.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.spgateway.gateway.encryption.ColumnCipher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox table as the relay, the pull inbox and operators see it. Claims are leases taken with one conditional
 * UPDATE, so two nodes never hold the same message, and a message whose node died is claimable when its lease ends.
 * A node renews its lease just before it sends, and records an outcome only while it still holds the lease it
 * claimed: a node that lost the message to another (its lease ran out and another node claimed it) changes nothing.
 */
@Component
public class OutboxStore {

    /**
     * A message as stored.
     *
     * @param leaseOwner the node holding it (null when free)
     * @param leaseUntil when that node's lease ends (null when free); with the owner, what outcomes are conditional on
     */
    public record Stored(long seq, String messageId, OutboxMessage.Channel channel, String destination, String referralId,
                         String eventType, String httpMethod, String targetPath, String payload, String status, int attempts,
                         Integer lastHttpStatus, String lastError, Instant createdAt, Instant deliveredAt,
                         String requestId, String leaseOwner, Instant leaseUntil) {

        /** The same message under a renewed lease. */
        Stored withLeaseUntil(Instant until) {
            return new Stored(seq, messageId, channel, destination, referralId, eventType, httpMethod, targetPath, payload,
                    status, attempts, lastHttpStatus, lastError, createdAt, deliveredAt, requestId, leaseOwner, until);
        }
    }

    private static final String COLUMNS = "seq, message_id, channel, destination, referral_id, event_type, http_method,"
            + " target_path, payload, status, attempts, last_http_status, last_error, created_at, delivered_at, request_id,"
            + " lease_owner, lease_until";

    /** The condition every outcome is recorded under: the row is still pending under the lease the node claimed. */
    private static final String HELD = " WHERE seq = ? AND status = 'pending' AND lease_owner = ? AND lease_until = ?";

    /** The longest a claim may take (seconds); a claim is a few index reads and at most a batch of row updates. */
    public static final int CLAIM_TIMEOUT_SECONDS = 30;

    private final JdbcTemplate jdbc;
    private final JdbcTemplate claims;
    private final ColumnCipher cipher;
    private final TransactionTemplate transactions;

    public OutboxStore(JdbcTemplate jdbc, ColumnCipher cipher, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.transactions = transactions;
        this.claims = new JdbcTemplate(jdbc.getDataSource());
        this.claims.setQueryTimeout(CLAIM_TIMEOUT_SECONDS);
    }

    /** The associated data a message's payload is sealed with: its id, so a payload cannot be moved to another message. */
    public static String payloadContext(String messageId) {
        return "outbox_message:" + messageId;
    }

    /** Replaces a message's payload (a replay re-runs the consent gate), sealed under the active key. */
    public void replacePayload(String messageId, String payload) {
        jdbc.update("UPDATE outbox_message SET payload = ?, key_id = ? WHERE message_id = ?",
                cipher.seal(payload, payloadContext(messageId)), cipher.activeKeyId(), messageId);
    }

    /**
     * Leases up to {@code limit} due push messages to {@code owner}, earliest due first. A message waits while an
     * earlier message of the same referral to the same destination is still pending, so each referral's events
     * arrive in order.
     * <p>
     * Safe for several nodes on one database: the UPDATE only takes rows still pending with a free lease, a condition
     * both databases re-check on the newest version of a row another node changed concurrently, and the claimed rows
     * are read back by this claim's own owner token. On PostgreSQL the candidates are also row-locked with
     * {@code FOR UPDATE SKIP LOCKED} (until the claim's transaction commits), so a node passes over the rows another
     * node is claiming at that moment instead of waiting for them. H2 is not given that clause: it locks (writes)
     * every row meeting the condition before it applies ORDER BY and LIMIT, so each claim rewrote the whole backlog
     * (seconds a claim with 3,000 pending, found by profiling; docs/performance.md). The candidates are read in
     * ix_outbox_due's order, so the claim stops after a batch instead of sorting the backlog.
     * <p>
     * The candidates are selected first and then updated by their {@code seq}, two statements in one transaction,
     * not one {@code UPDATE ... WHERE seq IN (SELECT ...)}: PostgreSQL may plan that as a nested loop that runs the
     * whole candidate query again for every pending row, and it does with a plan cached while the table was small
     * (a new database, or a backlog that builds up while a receiver is down): a benchmark run's claim ran for 13
     * minutes on 5,500 pending messages and delivered nothing meanwhile (OutboxClaimPlanIT). A claim is also bounded
     * by {@link #CLAIM_TIMEOUT_SECONDS}: one that takes longer fails, and the next poll claims again.
     */
    public List<Stored> claim(String owner, Instant now, Instant leaseUntil, int limit) {
        Timestamp t = Timestamp.from(now);
        Timestamp until = Timestamp.from(leaseUntil);
        transactions.executeWithoutResult(status -> {
            List<Long> due = claims.queryForList("SELECT m.seq FROM outbox_message m"
                    + " WHERE m.status = 'pending' AND m.channel <> 'vcs-inbox' AND m.next_attempt_at <= ?"
                    + " AND (m.lease_until IS NULL OR m.lease_until < ?)"
                    + " AND NOT EXISTS (SELECT 1 FROM outbox_message e WHERE e.destination = m.destination"
                    + " AND e.referral_id = m.referral_id AND e.seq < m.seq AND e.status = 'pending')"
                    + " AND NOT EXISTS (SELECT 1 FROM endpoint_state s WHERE s.destination = m.destination AND s.disabled = TRUE)"
                    + " ORDER BY m.status, m.next_attempt_at, m.seq LIMIT ?" + lockClause(), Long.class, t, t, limit);
            if (due.isEmpty()) {
                return;
            }
            List<Object> args = new java.util.ArrayList<>(List.of(owner, until, t));
            args.addAll(due);
            claims.update("UPDATE outbox_message SET lease_owner = ?, lease_until = ? WHERE status = 'pending'"
                    + " AND (lease_until IS NULL OR lease_until < ?) AND seq IN ("
                    + String.join(", ", java.util.Collections.nCopies(due.size(), "?")) + ")", args.toArray());
        });
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox_message WHERE lease_owner = ? AND lease_until = ?"
                + " AND status = 'pending' ORDER BY seq", this::map, owner, until);
    }

    private volatile String lockClause;

    /** {@code FOR UPDATE SKIP LOCKED} on PostgreSQL, nothing on H2 (see {@link #claim}). */
    private String lockClause() {
        String clause = lockClause;
        if (clause == null) {
            String product = jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
            clause = "H2".equalsIgnoreCase(product) ? "" : " FOR UPDATE SKIP LOCKED";
            lockClause = clause;
        }
        return clause;
    }

    /**
     * Extends the lease on a message just before it is sent, so the lease has to outlast one attempt rather than a
     * whole claimed batch.
     *
     * @return the message under its new lease, or empty if this node no longer holds it (another node took it over)
     */
    public Optional<Stored> renew(Stored message, Instant until) {
        int n = jdbc.update("UPDATE outbox_message SET lease_until = ?" + HELD, Timestamp.from(until),
                message.seq(), message.leaseOwner(), Timestamp.from(message.leaseUntil()));
        return n == 1 ? Optional.of(message.withLeaseUntil(until)) : Optional.empty();
    }

    /** @return false if the node no longer held the message, and nothing was recorded */
    public boolean delivered(Stored message, int httpStatus, Instant at) {
        return jdbc.update("UPDATE outbox_message SET status = 'delivered', attempts = attempts + 1, last_http_status = ?,"
                + " last_error = NULL, delivered_at = ?, lease_owner = NULL, lease_until = NULL" + HELD,
                httpStatus, Timestamp.from(at), message.seq(), message.leaseOwner(), Timestamp.from(message.leaseUntil())) == 1;
    }

    /** @return false if the node no longer held the message, and nothing was recorded */
    public boolean retryAt(Stored message, Instant next, Integer httpStatus, String error) {
        return jdbc.update("UPDATE outbox_message SET attempts = attempts + 1, next_attempt_at = ?, last_http_status = ?,"
                + " last_error = ?, lease_owner = NULL, lease_until = NULL" + HELD,
                Timestamp.from(next), httpStatus, truncate(error), message.seq(), message.leaseOwner(),
                Timestamp.from(message.leaseUntil())) == 1;
    }

    /** @return false if the node no longer held the message, and nothing was recorded */
    public boolean dead(Stored message, Integer httpStatus, String error) {
        return jdbc.update("UPDATE outbox_message SET status = 'dead', attempts = attempts + 1, last_http_status = ?,"
                + " last_error = ?, lease_owner = NULL, lease_until = NULL" + HELD, httpStatus, truncate(error),
                message.seq(), message.leaseOwner(), Timestamp.from(message.leaseUntil())) == 1;
    }

    /**
     * Disables an endpoint (the receiver answered 410). Several nodes may do this at the same moment for the same
     * endpoint: the one whose insert loses to another's finds the row there and updates it instead.
     */
    public void disableEndpoint(String destination, String reason, Instant at) {
        if (updateEndpoint(destination, reason, at) > 0) {
            return;
        }
        try {
            jdbc.update("INSERT INTO endpoint_state (destination, disabled, reason, changed_at) VALUES (?, TRUE, ?, ?)",
                    destination, reason, Timestamp.from(at));
        } catch (DuplicateKeyException anotherNodeInsertedItFirst) {
            // not in a transaction (each statement commits on its own), so the update can follow the failed insert
            updateEndpoint(destination, reason, at);
        }
    }

    private int updateEndpoint(String destination, String reason, Instant at) {
        return jdbc.update("UPDATE endpoint_state SET disabled = TRUE, reason = ?, changed_at = ? WHERE destination = ?",
                reason, Timestamp.from(at), destination);
    }

    public boolean enableEndpoint(String destination, Instant at) {
        return jdbc.update("UPDATE endpoint_state SET disabled = FALSE, reason = NULL, changed_at = ? WHERE destination = ?",
                Timestamp.from(at), destination) > 0;
    }

    public List<Stored> deadLetters() {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox_message WHERE status = 'dead' ORDER BY seq", this::map);
    }

    /** Puts a dead letter back in line with its attempts reset; same message id, so receivers deduplicate. */
    public boolean replay(String messageId, Instant now) {
        return jdbc.update("UPDATE outbox_message SET status = 'pending', attempts = 0, next_attempt_at = ?,"
                + " last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE message_id = ? AND status = 'dead'",
                Timestamp.from(now), messageId) > 0;
    }

    /** A pull-mode service's pending messages, oldest first. */
    public List<Stored> inbox(String destination, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox_message WHERE destination = ? AND channel = 'vcs-inbox'"
                + " AND status = 'pending' ORDER BY seq LIMIT ?", this::map, destination, limit);
    }

    public Optional<Stored> find(String messageId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox_message WHERE message_id = ?", this::map, messageId)
                .stream().findFirst();
    }

    public boolean acknowledge(String messageId, String destination, Instant at) {
        return jdbc.update("UPDATE outbox_message SET status = 'acknowledged', delivered_at = ? WHERE message_id = ?"
                + " AND destination = ? AND channel = 'vcs-inbox' AND status = 'pending'", Timestamp.from(at), messageId,
                destination) > 0;
    }

    public int backlog() {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message WHERE status = 'pending'", Integer.class);
        return n == null ? 0 : n;
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    private Stored map(ResultSet rs, int i) throws SQLException {
        Timestamp delivered = rs.getTimestamp(15);
        Timestamp leaseUntil = rs.getTimestamp(18);
        Integer lastStatus = rs.getObject(12) == null ? null : rs.getInt(12);
        String messageId = rs.getString(2);
        return new Stored(rs.getLong(1), messageId, OutboxMessage.Channel.fromCode(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                cipher.open(rs.getString(9), payloadContext(messageId)), rs.getString(10),
                rs.getInt(11), lastStatus, rs.getString(13), rs.getTimestamp(14).toInstant(),
                delivered == null ? null : delivered.toInstant(), rs.getString(16), rs.getString(17),
                leaseUntil == null ? null : leaseUntil.toInstant());
    }
}
