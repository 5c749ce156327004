package org.spgateway.gateway.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import org.spgateway.gateway.encryption.ColumnCipher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes messages to the durable outbox. Must be called inside the transaction of the change that causes the
 * message, so the change and its message commit together or not at all; delivery happens afterwards, from the
 * table, and survives restarts.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ColumnCipher cipher;
    private final DeliverySignal signal;

    public Outbox(JdbcTemplate jdbc, Clock clock, ColumnCipher cipher, DeliverySignal signal) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.cipher = cipher;
        this.signal = signal;
    }

    public void enqueue(OutboxMessage message) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.enqueue must run inside the transaction of the change it reports");
        }
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.update("INSERT INTO outbox_message (message_id, channel, destination, referral_id, event_type, http_method,"
                        + " target_path, payload, key_id, status, attempts, next_attempt_at, created_at, request_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                message.messageId(), message.channel().code(), message.destination(), message.referralId(),
                message.eventType(), message.httpMethod(), message.targetPath(),
                // the payload carries the patient data the recipient may see: sealed until it is sent
                cipher.seal(message.payload(), OutboxStore.payloadContext(message.messageId())), cipher.activeKeyId(),
                "pending", now, now, org.spgateway.gateway.observability.RequestIds.current());
        // when the transaction has committed, the relay looks at once (a rollback wakes nobody; several wake-ups of
        // one transaction coalesce in the signal)
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        }
    }
}
