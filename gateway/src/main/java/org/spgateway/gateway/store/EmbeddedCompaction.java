package org.spgateway.gateway.store;

import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Compacts the embedded H2 file while the gateway runs. With {@code WRITE_DELAY=0} (a 201 means the commit reached
 * the file) H2's MVStore has no background writer, and the background writer is what rewrites old chunks: without
 * this the file grew by every commit's chunk (21.8 GB at 49,201 referrals against 1.54 GB live; docs/performance.md).
 * Every {@code spgateway.store.compact-every} it lets H2 compact for at most {@code spgateway.store.compact-millis}.
 * Nothing happens on PostgreSQL.
 */
@Component
public class EmbeddedCompaction implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCompaction.class);

    private final DataSource dataSource;
    private final long everySeconds;
    private final int maxMillis;
    private ScheduledExecutorService scheduler;

    public EmbeddedCompaction(DataSource dataSource,
                              @Value("${spgateway.store.compact-every:30s}") java.time.Duration every,
                              @Value("${spgateway.store.compact-millis:100}") int maxMillis) {
        this.dataSource = dataSource;
        this.everySeconds = Math.max(1, every.getSeconds());
        this.maxMillis = maxMillis;
    }

    /**
     * One compaction step now, in the caller's thread.
     *
     * @return false if the database is not the embedded H2 (nothing done)
     */
    public boolean compactOnce() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)) {
                return false; // PostgreSQL
            }
            Object session = c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
            if (!(session instanceof org.h2.engine.SessionLocal local) || local.getDatabase().getStore() == null) {
                return false; // a client of an H2 server, or an in-memory database: not this process's file
            }
            local.getDatabase().getStore().compactFile(maxMillis);
            return true;
        }
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-compaction");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (!compactOnce()) {
                    scheduler.shutdown(); // not the embedded H2: nothing to do, ever
                }
            } catch (Exception e) {
                log.warn("Compacting the embedded database failed ({}); tried again in {} s", e.toString(), everySeconds);
            }
        }, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            // not shutdownNow: an interrupt during H2's file I/O closes its file channel
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(maxMillis + 5_000L, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 10; // stopped before the database closes
    }
}
