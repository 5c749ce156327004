package org.spgateway.gateway.preload;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.fhir.NhsNumber;
import org.spgateway.gateway.fhir.provider.TransactionProvider;
import org.spgateway.gateway.delivery.DeliveryEvents;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.routing.DirectoryProperties;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.spgateway.gateway.store.CallerScope;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code java -jar spgateway-gateway.jar --preload-referrals=N [--preload-threads=2] [--preload-batch=200]}: stores N
 * synthetic referrals (with {@code --preload-until=N} instead: as many as the store lacks to hold N, so a preload that
 * was stopped, or a store kept from an earlier benchmark run, is topped up rather than started again)
 * (the documented example with fresh identifiers, full URLs and valid test-range NHS numbers) as the first practice of
 * the directory, through {@link TransactionProvider} exactly as a posted transaction Bundle is stored (sealed content,
 * search index, blind tokens, business identifier, Task, route, outbox message, disclosure and audit records), then
 * exits. Validation is skipped: the input is the validated example. Each thread stores {@code preload-batch}
 * referrals per database transaction (they join one outer transaction, so one commit, and one audit chaining, per
 * batch): the rows are the same as one transaction per referral would write, only the commit cost is shared, which
 * makes a store of a million referrals a matter of an hour, not days. For benchmarks only; never on a live store.
 */
@Component
@Order(100) // after DirectoryPublisher (0): the practice's Organization must exist before the first referral looks it up
public class PreloadCommand implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PreloadCommand.class);

    private final TransactionProvider transactions;
    private final FhirContext fhirContext;
    private final DirectoryProperties directory;
    private final ConfigurableApplicationContext context;
    private final OutboxStore outbox;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final TransactionTemplate batches;
    private final JdbcTemplate jdbc;
    /** The NHS number of each synthetic referral's patient: a random valid test-range number (tests may set others). */
    volatile java.util.function.Supplier<String> nhsNumbers = () -> NhsNumber.randomTestNumber(ThreadLocalRandom.current());

    public PreloadCommand(TransactionProvider transactions, FhirContext fhirContext, DirectoryProperties directory,
                          ConfigurableApplicationContext context, OutboxStore outbox, ApplicationEventPublisher events,
                          Clock clock, TransactionTemplate batches, JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.fhirContext = fhirContext;
        this.directory = directory;
        this.context = context;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
        this.batches = batches;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        boolean until = args.containsOption("preload-until");
        if (!until && !args.containsOption("preload-referrals")) {
            return;
        }
        long held = referralsHeld();
        long n = until ? toReach(held, Long.parseLong(args.getOptionValues("preload-until").get(0)))
                : Long.parseLong(args.getOptionValues("preload-referrals").get(0));
        int threads = args.containsOption("preload-threads")
                ? Integer.parseInt(args.getOptionValues("preload-threads").get(0)) : Runtime.getRuntime().availableProcessors();
        int batch = args.containsOption("preload-batch")
                ? Integer.parseInt(args.getOptionValues("preload-batch").get(0)) : 200;
        log.info("preloading {} referrals into a store that holds {}", n, held);
        long start = System.nanoTime();
        preload(n, threads, batch);
        if (n > 0) {
            analyze();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // the benchmark driver reads this line (LoadDriver): keep its form
        System.out.printf("PRELOADED %d referrals in %.1f s (%.0f per second); the store holds %d%n", n, seconds,
                n == 0 ? 0 : n / seconds, referralsHeld());
        System.exit(SpringApplication.exit(context, () -> 0));
    }

    /** Tops the store up to {@code size} referrals (nothing if it holds that many already). */
    void preloadUntil(long size, int threads, int batch) throws Exception {
        preload(toReach(referralsHeld(), size), threads, batch);
    }

    private static long toReach(long held, long size) {
        return Math.max(0, size - held);
    }

    /** Stores {@code n} synthetic referrals with {@code threads} threads, {@code batch} referrals per transaction. */
    void preload(long n, int threads, int batch) throws Exception {
        if (n <= 0) {
            return;
        }
        String template = template();
        String practice = directory.practices().get(0).id();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        // The first referral alone: it creates the practice Organization the others find by their conditional create
        // (concurrent ones would be safe, their criteria are claimed, but the first batches would all retry).
        CallerScope.enter(practice);
        try {
            transactions.transaction(fhirContext.newJsonParser().parseResource(Bundle.class,
                    unique(template, nhsNumbers.get())));
            collectInboxes(1);
            done.incrementAndGet();
        } finally {
            CallerScope.clear();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    CallerScope.enter(practice);
                    try {
                        while (true) {
                            long first = done.getAndAdd(batch);
                            if (first >= n) {
                                break;
                            }
                            long count = Math.min(batch, n - first);
                            storeBatch(template, count);
                            long stored = first + count;
                            if (stored / 10_000 != first / 10_000) {
                                log.info("preloaded {} of {} referrals ({} per second)", stored, n,
                                        stored * 1_000_000_000L / (System.nanoTime() - start));
                            }
                        }
                    } finally {
                        CallerScope.clear();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Stores {@code count} referrals in one transaction. Two threads' batches may create the same patient (random
     * test-range NHS numbers: ~91 million of them, so a store of 340,000 referrals holds hundreds of repeats, as a
     * real one holds patients referred twice): the second conditional create then loses the claim to the first
     * (unique violation) and, since it runs inside the batch's transaction, the whole batch rolls back with nothing
     * stored (the audit chain included: it is chained in the database at commit). A posted referral in that race
     * is retried by the write path on its own; a batch is retried here, with fresh referrals, and by then the other
     * batch has committed the patient, which the conditional create now finds.
     */
    void storeBatch(String template, long count) {
        for (int attempt = 1; ; attempt++) {
            try {
                batches.executeWithoutResult(status -> {
                    for (long i = 0; i < count; i++) {
                        transactions.transaction(fhirContext.newJsonParser().parseResource(Bundle.class,
                                unique(template, nhsNumbers.get())));
                    }
                    collectInboxes(count);
                });
                return;
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS || !lostARace(e)) {
                    throw e;
                }
                log.info("a batch of {} referrals lost a race with another thread's (attempt {}: {}); storing it again",
                        count, attempt, rootCause(e).getMessage());
            }
        }
    }

    private static final int MAX_ATTEMPTS = 10;

    /**
     * Whether the batch failed for losing a race: a unique violation, a serialization failure or a deadlock anywhere
     * in the cause chain (the write path does not retry a duplicate inside the batch's transaction: it hands it here).
     */
    static boolean lostARace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && java.util.Set.of("23505", "40001", "40P01").contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Refreshes the planner's statistics, as after any bulk load (PostgreSQL's "Populating a Database": run ANALYZE
     * afterwards): without it the first searches on a freshly preloaded store are planned from the row counts of the
     * store before the load (on PostgreSQL until autovacuum's next analyze), which benchmarks the planner's guess,
     * not the store. H2 and PostgreSQL both take a plain {@code ANALYZE}.
     */
    void analyze() {
        long start = System.nanoTime();
        jdbc.execute("ANALYZE");
        log.info("analyzed the store in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** The referrals (ServiceRequests) the store holds now. */
    long referralsHeld() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'ServiceRequest'",
                Long.class);
        return count == null ? 0 : count;
    }

    /**
     * The pull-mode services collect and acknowledge what was queued for them, as InboxController does when they poll:
     * a store in steady state holds delivered messages, not a million waiting ones.
     */
    private void collectInboxes(long referrals) {
        for (DirectoryProperties.Service service : directory.services()) {
            if (service.push()) {
                continue;
            }
            for (OutboxStore.Stored m : outbox.inbox(service.id(), (int) Math.max(50, referrals * 2))) {
                if (outbox.acknowledge(m.messageId(), service.id(), clock.instant())) {
                    events.publishEvent(new DeliveryEvents.Delivered(m.messageId(), m.referralId(), m.destination(),
                            m.eventType(), m.channel()));
                }
            }
        }
    }

    private static String template() throws IOException {
        try (InputStream in = PreloadCommand.class.getResourceAsStream("/demo/referral-bundle.json")) {
            if (in == null) {
                throw new IllegalStateException("demo/referral-bundle.json is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The example with fresh full URLs and referral identifier, about the patient with this NHS number. */
    static String unique(String template, String nhsNumber) {
        String body = template;
        for (int i = 1; i <= 6; i++) {
            body = body.replace("6f1c1d1e-0b0a-4c55-9d3e-00000000000" + i, UUID.randomUUID().toString());
        }
        return body.replace("9000000009", nhsNumber)
                .replace("REF-2026-0001", "REF-" + UUID.randomUUID());
    }
}
