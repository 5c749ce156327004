package org.spgateway.gateway.encryption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves every sealed row to the active key, and seals rows stored before encryption: after a key rotation, or the
 * first start of a gateway upgraded from a release without encryption. Runs in the background once the gateway is
 * ready (so start-up does not wait for it) and on an operator's request; safe on several nodes at once, since each
 * row's update only applies if the row is unchanged. Each pass that changed something is audited.
 */
@Component
public class Reencryption {

    private static final Logger log = LoggerFactory.getLogger(Reencryption.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The last pass: when it ran, and what it did per table. */
    record Outcome(Instant startedAt, Instant finishedAt, List<SealedColumns.Pass> tables, int patientsReindexed) {
    }

    private final SealedColumns columns;
    private final ResourceWriteService writes;
    private final ColumnCipher cipher;
    private final AuditLog audit;
    private final Clock clock;
    private final EncryptionProperties properties;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Outcome last;

    Reencryption(SealedColumns columns, ResourceWriteService writes, ColumnCipher cipher, AuditLog audit, Clock clock,
                 EncryptionProperties properties) {
        this.columns = columns;
        this.writes = writes;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
        this.properties = properties;
        if (properties.reencryptBatch() < 1) {
            throw new IllegalStateException("spgateway.encryption.reencrypt-batch must be at least 1, was "
                    + properties.reencryptBatch());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void afterStart() {
        if (properties.reencrypt()) {
            start("gateway");
        }
    }

    /**
     * Starts a pass in the background unless one is running.
     *
     * @return false if a pass was already running
     */
    public boolean start(String actor) {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        Thread thread = new Thread(() -> {
            try {
                run(actor);
            } catch (RuntimeException e) {
                log.error("Re-encryption stopped: {}", e.getClass().getSimpleName());
            } finally {
                running.set(false);
            }
        }, "reencryption");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return true;
    }

    /** Runs one pass in the caller's thread (tests, and {@link #start}). */
    Outcome run(String actor) {
        Instant started = clock.instant();
        List<SealedColumns.Pass> passes = columns.resealAll(properties.reencryptBatch());
        int patients = writes.reindexBlindTokens(properties.reencryptBatch());
        Outcome outcome = new Outcome(started, clock.instant(), passes, patients);
        last = outcome;
        int resealed = passes.stream().mapToInt(SealedColumns.Pass::resealed).sum();
        int failed = passes.stream().mapToInt(SealedColumns.Pass::failed).sum();
        if (resealed > 0 || patients > 0 || failed > 0) {
            ObjectNode details = JSON.createObjectNode();
            details.put("activeKey", cipher.activeKeyId());
            ObjectNode tables = details.putObject("tables");
            passes.forEach(p -> tables.putObject(p.table()).put("resealed", p.resealed()).put("unreadable", p.failed()));
            details.put("patientsReindexed", patients);
            audit.appendAlone(new AuditEntry("encryption.reencrypted", actor, null, null, null, details));
            log.info("Re-encryption under key '{}': {} rows re-sealed, {} patients re-indexed, {} rows unreadable",
                    cipher.activeKeyId(), resealed, patients, failed);
        }
        return outcome;
    }

    boolean running() {
        return running.get();
    }

    Outcome last() {
        return last;
    }

    /** Rows per table and key id, for operators. */
    java.util.Map<String, java.util.Map<String, Long>> counts() {
        return columns.countsByKey();
    }
}
