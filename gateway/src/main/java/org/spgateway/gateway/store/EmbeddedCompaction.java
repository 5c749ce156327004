package org.spgateway.gateway.store;

import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Keeps the embedded H2 file near its live size while the gateway runs. With {@code WRITE_DELAY=0} (a 201 means the
 * commit reached the file) H2's MVStore has no background writer, and the background writer is what keeps the file
 * compact: without it the file grew by every commit's chunk (21.8 GB at 49,201 referrals against 1.54 GB live;
 * docs/performance.md). This does the writer's housekeeping through MVStore's public API, in small steps so that no
 * commit waits long for the store lock: every {@code spgateway.store.compact-every} (250 ms), if the chunks' fill
 * rate is under {@code spgateway.store.compact-fill-rate} (90%), it rewrites up to {@code spgateway.store.compact-write}
 * (16 MB) of the least-filled chunks' live pages (so those chunks die and their space is reused), and if the file's
 * fill rate is under the same mark it moves up to {@code spgateway.store.compact-move} (16 MB) of chunks into the
 * holes near the start (so the end of the file is freed and truncated). Dead chunks are overwritten at once
 * ({@code spgateway.store.compact-retention} 0, as H2's own {@code compactFile} sets it): with H2's 45 s retention the
 * file still grew without bound under sustained writes (measured, docs/performance.md). The price: H2 does not force
 * each commit to the disk, so an operating-system crash or power cut (not a process kill) can lose the last
 * unflushed commits and, with chunks overwritten early, damage the file; deployments that must survive that use
 * PostgreSQL. Nothing happens on PostgreSQL.
 */
@Component
public class EmbeddedCompaction implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCompaction.class);

    private final DataSource dataSource;
    private final long everyMillis;
    private final int fillRate;
    private final int writeBytes;
    private final long moveBytes;
    private final int retentionMillis;
    private ScheduledExecutorService scheduler;
    // resolved once per opening of the database (a full disk closes it, a new connection opens it again:
    // ClosedDatabaseEviction), so that a pass does not borrow a pooled connection, nor wait for one under load
    private volatile MVStore store;
    private volatile boolean resolved;

    public EmbeddedCompaction(DataSource dataSource,
                              @Value("${spgateway.store.compact-every:250ms}") java.time.Duration every,
                              @Value("${spgateway.store.compact-fill-rate:90}") int fillRate,
                              @Value("${spgateway.store.compact-write:16MB}") DataSize write,
                              @Value("${spgateway.store.compact-move:16MB}") DataSize move,
                              @Value("${spgateway.store.compact-retention:0ms}") java.time.Duration retention) {
        this.dataSource = dataSource;
        this.everyMillis = Math.max(10, every.toMillis());
        this.fillRate = Math.min(100, Math.max(1, fillRate));
        this.writeBytes = (int) Math.min(Integer.MAX_VALUE, write.toBytes());
        this.moveBytes = move.toBytes();
        this.retentionMillis = (int) Math.min(Integer.MAX_VALUE, retention.toMillis());
    }

    /**
     * One housekeeping pass now, in the caller's thread.
     *
     * @return false if the database is not this process's embedded H2 file (nothing done)
     */
    public boolean compactOnce() throws Exception {
        if (!resolved || (store != null && store.isClosed())) {
            store = embeddedStore();
            resolved = true;
        }
        if (store == null) {
            return false;
        }
        FileStore<?> file = store.getFileStore();
        long sizeMb = file.size() >> 20;
        if (retentionMillis >= 0 && file.getRetentionTime() != retentionMillis) {
            file.setRetentionTime(retentionMillis);
        }
        int chunksFill = file.getChunksFillRate();
        boolean rewrote = chunksFill < fillRate && file.compact(fillRate, writeBytes);
        if (rewrote) {
            // the rewritten pages reach the file with the next store of the MVStore; the background writer stores
            // what is unsaved on its own, so without one this pass does (when no commit holds the store lock)
            store.tryCommit();
        }
        int fileFill = file.getFillRate();
        if (file instanceof RandomAccessStore random && fileFill < fillRate) {
            random.compactMoveChunks(fillRate, moveBytes, store);
        }
        if (log.isDebugEnabled()) {
            log.debug("H2 housekeeping: file {} MB, file fill {}%, chunks fill {}%, rewrote {}, now file {} MB, fill {}%",
                    sizeMb, fileFill, chunksFill, rewrote, file.size() >> 20, file.getFillRate());
        }
        return true;
    }

    /** The MVStore behind the data source, or null on PostgreSQL, an H2 server's client or an in-memory database. */
    private MVStore embeddedStore() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)) {
                return null;
            }
            Object session = c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
            if (!(session instanceof org.h2.engine.SessionLocal local) || local.getDatabase().getStore() == null
                    || local.getDatabase().getStore().getMvStore().getFileStore() == null) {
                return null;
            }
            return local.getDatabase().getStore().getMvStore();
        }
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-compaction");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (!compactOnce()) {
                    scheduler.shutdown(); // not the embedded H2: nothing to do, ever
                }
            } catch (Exception e) {
                log.warn("Compacting the embedded database failed ({}); tried again in {} ms", e.toString(), everyMillis, e);
            }
        }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            // not shutdownNow: an interrupt during H2's file I/O closes its file channel
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
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
