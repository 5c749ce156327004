package org.spgateway.gateway.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What operators watch: the delivery backlog per channel, the age of the oldest message still waiting to be pushed,
 * unacknowledged inbox messages, dead letters, disabled endpoints, and referrals by Task status. Read from the
 * database (so every node reports the deployment's state, not its own), at most every {@value #MAX_AGE_SECONDS}
 * seconds however often it is scraped. Exposed as the {@code delivery} health contributor (part of readiness: a node
 * whose database cannot answer these is not ready) and as gauges ({@code spgateway.delivery.backlog},
 * {@code spgateway.delivery.oldest.pending}, {@code spgateway.delivery.inbox.oldest.unacknowledged},
 * {@code spgateway.delivery.dead.letters}, {@code spgateway.delivery.endpoints.disabled}, {@code spgateway.referrals}).
 * The counters and the latency timer of each attempt are recorded where it happens ({@link OutboxRelay}).
 */
@Component("delivery")
public class DeliveryMonitor implements HealthIndicator, MeterBinder {

    static final int MAX_AGE_SECONDS = 5;

    /** The state at one moment. */
    public record Snapshot(Map<OutboxMessage.Channel, Integer> backlog, long oldestPendingSeconds,
                           long oldestUnacknowledgedSeconds, int deadLetters, int disabledEndpoints, Instant at) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private Snapshot last;
    private final Object referralsLock = new Object();
    private Map<String, Integer> referrals;
    private Instant referralsAt;
    private Duration referralsMaxAge = Duration.ofSeconds(MAX_AGE_SECONDS);

    public DeliveryMonitor(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The current state, read again if the last reading is older than {@value #MAX_AGE_SECONDS} s. */
    public synchronized Snapshot snapshot() {
        Instant now = clock.instant();
        if (last == null || Duration.between(last.at(), now).getSeconds() >= MAX_AGE_SECONDS) {
            last = read(now);
        }
        return last;
    }

    private Snapshot read(Instant now) {
        Map<OutboxMessage.Channel, Integer> backlog = new EnumMap<>(OutboxMessage.Channel.class);
        for (OutboxMessage.Channel channel : OutboxMessage.Channel.values()) {
            backlog.put(channel, 0);
        }
        jdbc.query("SELECT channel, COUNT(*) FROM outbox_message WHERE status = 'pending' GROUP BY channel", rs -> {
            for (OutboxMessage.Channel channel : OutboxMessage.Channel.values()) {
                if (channel.code().equals(rs.getString(1))) {
                    backlog.put(channel, rs.getInt(2));
                }
            }
        });
        Timestamp oldestPush = jdbc.queryForObject("SELECT MIN(created_at) FROM outbox_message WHERE status = 'pending'"
                + " AND channel <> 'vcs-inbox'", Timestamp.class);
        Timestamp oldestInbox = jdbc.queryForObject("SELECT MIN(created_at) FROM outbox_message WHERE status = 'pending'"
                + " AND channel = 'vcs-inbox'", Timestamp.class);
        Integer dead = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message WHERE status = 'dead'", Integer.class);
        Integer disabled = jdbc.queryForObject("SELECT COUNT(*) FROM endpoint_state WHERE disabled = TRUE", Integer.class);
        return new Snapshot(backlog, ageSeconds(oldestPush, now), ageSeconds(oldestInbox, now),
                dead == null ? 0 : dead, disabled == null ? 0 : disabled, now);
    }

    /**
     * Referrals by their Task's status, read again if older than {@value #MAX_AGE_SECONDS} s (or ten times as long
     * as the last count took, if that is longer). Kept apart from
     * {@link #snapshot()}: it counts every referral (one index lookup each), so the readiness probe, which reads
     * the snapshot, does not wait for it (at 10,000 referrals the join it used to be read every Task status row per
     * referral, and readiness timed out).
     */
    public Map<String, Integer> referralsByStatus() {
        synchronized (referralsLock) { // not the snapshot's lock: a count in progress never holds up readiness
            Instant now = clock.instant();
            if (referrals == null || Duration.between(referralsAt, now).compareTo(referralsMaxAge) >= 0) {
                long started = System.nanoTime();
                referrals = readReferrals();
                referralsAt = now;
                // a count that takes long is read less often: at most a tenth of one core, however many referrals
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                referralsMaxAge = took.multipliedBy(10).compareTo(Duration.ofSeconds(MAX_AGE_SECONDS)) > 0
                        ? took.multipliedBy(10) : Duration.ofSeconds(MAX_AGE_SECONDS);
            }
            return referrals;
        }
    }

    private Map<String, Integer> readReferrals() {
        Map<String, Integer> referrals = new LinkedHashMap<>();
        for (String status : snapshotStatuses()) {
            referrals.put(status, 0);
        }
        // driven from ix_search_value (value_code first, so the IN list is looked up), each row checked against
        // ix_route_task: a referral's Task, not any Task
        jdbc.query("SELECT i.value_code, COUNT(*) FROM fhir_search_index i"
                + " WHERE i.value_code IN (" + String.join(", ", java.util.Collections.nCopies(referrals.size(), "?")) + ")"
                + " AND i.resource_type = 'Task' AND i.param_name = 'status'"
                + " AND EXISTS (SELECT 1 FROM referral_route r WHERE r.task_id = i.resource_id) GROUP BY i.value_code",
                rs -> {
                    referrals.computeIfPresent(rs.getString(1), (k, v) -> {
                        try {
                            return rs.getInt(2);
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }, referrals.keySet().toArray());
        return referrals;
    }

    private static long ageSeconds(Timestamp since, Instant now) {
        return since == null ? 0 : Math.max(0, Duration.between(since.toInstant(), now).getSeconds());
    }

    @Override
    public Health health() {
        Snapshot s;
        try {
            s = snapshot();
        } catch (RuntimeException unreadable) {
            // the database is away: DOWN, so readiness answers 503 (an exception here made it a 500)
            return Health.down().withDetail("error", unreadable.getClass().getSimpleName()).build();
        }
        Map<String, Integer> backlog = new LinkedHashMap<>();
        s.backlog().forEach((channel, n) -> backlog.put(channel.code(), n));
        return Health.up()
                .withDetail("backlog", backlog)
                .withDetail("oldestPendingSeconds", s.oldestPendingSeconds())
                .withDetail("oldestUnacknowledgedInboxSeconds", s.oldestUnacknowledgedSeconds())
                .withDetail("deadLetters", s.deadLetters())
                .withDetail("disabledEndpoints", s.disabledEndpoints())
                .build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (OutboxMessage.Channel channel : OutboxMessage.Channel.values()) {
            Gauge.builder("spgateway.delivery.backlog", this, m -> m.snapshot().backlog().get(channel))
                    .tag("channel", channel.code()).description("Messages waiting to be delivered or acknowledged")
                    .register(registry);
        }
        Gauge.builder("spgateway.delivery.oldest.pending", this, m -> m.snapshot().oldestPendingSeconds())
                .baseUnit("seconds").description("Age of the oldest message waiting to be pushed (webhook or GP push)")
                .register(registry);
        Gauge.builder("spgateway.delivery.inbox.oldest.unacknowledged", this, m -> m.snapshot().oldestUnacknowledgedSeconds())
                .baseUnit("seconds").description("Age of the oldest pull-inbox message not yet acknowledged").register(registry);
        Gauge.builder("spgateway.delivery.dead.letters", this, m -> m.snapshot().deadLetters())
                .description("Messages given up on, waiting for an operator").register(registry);
        Gauge.builder("spgateway.delivery.endpoints.disabled", this, m -> m.snapshot().disabledEndpoints())
                .description("Receivers switched off after HTTP 410 Gone").register(registry);
        for (String status : List.copyOf(snapshotStatuses())) {
            Gauge.builder("spgateway.referrals", this, m -> m.referralsByStatus().getOrDefault(status, 0))
                    .tag("status", status).description("Referrals by Task status").register(registry);
        }
    }

    private static List<String> snapshotStatuses() {
        return java.util.Arrays.stream(Task.TaskStatus.values()).filter(s -> s != Task.TaskStatus.NULL)
                .map(Task.TaskStatus::toCode).toList();
    }
}
