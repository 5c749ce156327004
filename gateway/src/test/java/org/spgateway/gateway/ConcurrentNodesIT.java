package org.spgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.audit.AuditVerifier;
import org.spgateway.gateway.delivery.Outbox;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.support.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Several nodes on one database, with threads standing in for the nodes (each on its own connection, as another
 * process would be): outbox claims are leases no two nodes share, a node that lost its lease records nothing, two
 * nodes disabling one endpoint at once both succeed, and audit appends chain one at a time through the locked head
 * row. Runs in both the H2 and the PostgreSQL run; gateway processes killed under load are the reliability suite's
 * ({@code conformance-tests}, {@code TwoNodesIT}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.audit.checkpoint-every=10"})
class ConcurrentNodesIT {

    private static final String RELAY = "outbox-relay-poll";

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxStore store;

    @Autowired
    AuditLog audit;

    @Autowired
    AuditVerifier verifier;

    @Autowired
    CamelContext camel;

    @Autowired
    org.spgateway.gateway.delivery.OutboxRelay relay;

    @Autowired
    Flyway flyway;

    @BeforeEach
    void stopThisNodesRelay() throws Exception {
        // the test's threads are the only claimers; the relay would try to deliver the test messages
        camel.getRouteController().stopRoute(RELAY);
    }

    @AfterEach
    void startItAgain() throws Exception {
        camel.getRouteController().startRoute(RELAY);
    }

    @Test
    void runsOnTheDatabaseOfThisRunWithEveryMigrationApplied() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo(TestPostgres.requested() ? "PostgreSQL" : "H2");
        }
        assertThat(flyway.info().pending()).as("migrations not applied").isEmpty();
        assertThat(jdbc.queryForList("SELECT version FROM flyway_schema_history WHERE success = TRUE AND version IS NOT NULL"
                + " ORDER BY installed_rank", String.class)).hasSize(flyway.info().all().length).startsWith("1", "2", "4");
    }

    @Test
    void nodesClaimingAtOnceNeverShareAMessageAndKeepEachReferralsOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int referrals = 30;
        int perReferral = 4;
        transactions.executeWithoutResult(status -> {
            for (int m = 0; m < perReferral; m++) {
                for (int r = 0; r < referrals; r++) {
                    outbox.enqueue(new OutboxMessage(run + "-" + r + "-" + m, OutboxMessage.Channel.VCS_WEBHOOK,
                            "claim-" + run + "-" + (r % 3), run + "-referral-" + r, "referral.updated", null, null, "{}"));
                }
            }
        });
        int total = referrals * perReferral;

        Map<Long, String> ownerBySeq = new ConcurrentHashMap<>();
        List<String> doubleClaims = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<String>> claimOrderByReferral = new ConcurrentHashMap<>();
        AtomicInteger claimed = new AtomicInteger();
        int nodes = 4;
        CyclicBarrier start = new CyclicBarrier(nodes);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        List<Callable<Void>> work = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String owner = "node-" + n + "-" + run;
            work.add(() -> {
                start.await();
                while (claimed.get() < total && Instant.now().isBefore(deadline)) {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    List<OutboxStore.Stored> batch = store.claim(owner, now, now.plus(Duration.ofSeconds(30)), 5);
                    for (OutboxStore.Stored message : batch) {
                        String previous = ownerBySeq.putIfAbsent(message.seq(), owner);
                        if (previous != null) {
                            doubleClaims.add(message.messageId() + " by " + previous + " and " + owner);
                        }
                        claimOrderByReferral.computeIfAbsent(message.referralId(), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(message.messageId());
                        claimed.incrementAndGet();
                        // delivered, as the relay records it: the referral's next message becomes claimable
                        assertThat(store.delivered(message, 204, Instant.now())).isTrue();
                    }
                    if (batch.isEmpty()) {
                        Thread.sleep(2);
                    }
                }
                return null;
            });
        }
        runAll(work);

        assertThat(doubleClaims).as("messages two nodes held at once").isEmpty();
        assertThat(claimed.get()).as("messages claimed").isEqualTo(total);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message WHERE message_id LIKE ? AND status = 'delivered'",
                Integer.class, run + "-%")).isEqualTo(total);
        for (int r = 0; r < referrals; r++) {
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < perReferral; m++) {
                expected.add(run + "-" + r + "-" + m);
            }
            assertThat(claimOrderByReferral.get(run + "-referral-" + r)).as("claim order of referral " + r)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLeaseKeepsAMessageFromOtherNodesUntilItEnds() {
        String destination = "lease-" + UUID.randomUUID().toString().substring(0, 8);
        transactions.executeWithoutResult(status -> outbox.enqueue(new OutboxMessage(destination + "-m", OutboxMessage.Channel.GP_PUSH,
                destination, destination + "-referral", "update", "PUT", "Task/1", "{}")));
        Instant t0 = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);

        assertThat(claimFor(destination, "node-a", t0)).as("node a claims it").hasSize(1);
        assertThat(claimFor(destination, "node-b", t0.plusSeconds(1))).as("node b while a's lease runs").isEmpty();
        assertThat(claimFor(destination, "node-a", t0.plusSeconds(2))).as("node a again: it already holds it").isEmpty();
        // node a died without an answer: once its lease has ended, another node takes the message over
        List<OutboxStore.Stored> takenOver = claimFor(destination, "node-b", t0.plusSeconds(31));
        assertThat(takenOver).as("node b after a's lease ended").hasSize(1);
        assertThat(jdbc.queryForObject("SELECT lease_owner FROM outbox_message WHERE destination = ?", String.class, destination))
                .isEqualTo("node-b");
        assertThat(store.delivered(takenOver.get(0), 204, Instant.now())).isTrue(); // not left for this node's relay to try
    }

    @Test
    void aNodeThatLostItsLeaseToAnotherRecordsNoOutcome() {
        String destination = "lost-" + UUID.randomUUID().toString().substring(0, 8);
        transactions.executeWithoutResult(status -> outbox.enqueue(new OutboxMessage(destination + "-m", OutboxMessage.Channel.VCS_WEBHOOK,
                destination, destination + "-referral", "referral.created", null, null, "{}")));
        Instant t0 = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        OutboxStore.Stored heldByA = claimFor(destination, "node-a", t0).get(0);
        // a's receiver is slower than the lease: b takes the message over and is still sending it
        OutboxStore.Stored heldByB = claimFor(destination, "node-b", t0.plusSeconds(31)).get(0);

        assertThat(store.renew(heldByA, t0.plusSeconds(60))).as("a renews before sending").isEmpty();
        assertThat(store.dead(heldByA, 400, "late answer to a")).as("a's late dead letter").isFalse();
        assertThat(store.retryAt(heldByA, t0.plusSeconds(40), 500, "late answer to a")).as("a's late retry").isFalse();
        assertThat(store.delivered(heldByA, 200, Instant.now())).as("a's late delivery").isFalse();
        OutboxStore.Stored row = store.find(destination + "-m").orElseThrow();
        assertThat(row.status()).isEqualTo("pending");
        assertThat(row.attempts()).as("a's attempt is not counted").isZero();
        assertThat(row.leaseOwner()).isEqualTo("node-b");

        OutboxStore.Stored renewed = store.renew(heldByB, t0.plusSeconds(70)).orElseThrow();
        assertThat(store.delivered(heldByB, 200, Instant.now())).as("b's outcome under its old lease").isFalse();
        assertThat(store.delivered(renewed, 204, Instant.now())).as("b's outcome under its renewed lease").isTrue();
        row = store.find(destination + "-m").orElseThrow();
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.lastHttpStatus()).isEqualTo(204);
    }

    @Test
    void aLeaseIsRenewedBeforeSendingOnlyWhenItWouldNotOutlastTheAttempt() {
        String destination = "renew-" + UUID.randomUUID().toString().substring(0, 8);
        transactions.executeWithoutResult(status -> {
            for (String m : List.of("-fresh", "-short", "-lost")) {
                outbox.enqueue(new OutboxMessage(destination + m, OutboxMessage.Channel.VCS_WEBHOOK, destination,
                        destination + m + "-referral", "referral.created", null, null, "{}"));
            }
        });
        Instant now = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        // claimed just now with the whole 30 s lease: sent under the claim's lease, no renewal (no extra commit)
        Map<String, OutboxStore.Stored> claimed = new java.util.HashMap<>();
        store.claim("node-a", now, now.plusSeconds(30), 50).stream().filter(m -> m.destination().equals(destination))
                .forEach(m -> claimed.put(m.messageId(), m));
        assertThat(claimed).hasSize(3);
        prepare(claimed.get(destination + "-fresh"));
        assertThat(store.find(destination + "-fresh").orElseThrow().leaseUntil()).as("fresh lease kept")
                .isEqualTo(claimed.get(destination + "-fresh").leaseUntil());

        // 8 s of lease left, less than one attempt (5 s connect + 10 s response + 5 s): renewed to a whole lease
        Instant shortEnd = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.MILLIS);
        jdbc.update("UPDATE outbox_message SET lease_until = ? WHERE message_id = ?", java.sql.Timestamp.from(shortEnd),
                destination + "-short");
        prepare(withLease(claimed.get(destination + "-short"), shortEnd));
        assertThat(store.find(destination + "-short").orElseThrow().leaseUntil()).as("short lease renewed")
                .isAfter(Instant.now().plusSeconds(20));

        // another node took the message over after this node's lease ran out: a renewal is due, fails, nothing is sent
        Instant gone = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        jdbc.update("UPDATE outbox_message SET lease_owner = 'node-b' WHERE message_id = ?", destination + "-lost");
        assertThat(catchThrowable(() -> prepare(withLease(claimed.get(destination + "-lost"), gone))))
                .as("a message whose lease was lost is not sent").isNotNull()
                .extracting(t -> t.getClass().getSimpleName()).isEqualTo("LeaseLostException");
        for (String m : List.of("-fresh", "-short")) {
            OutboxStore.Stored row = store.find(destination + m).orElseThrow();
            assertThat(store.delivered(row, 204, Instant.now())).as(m + " still held by this node").isTrue();
        }
    }

    /** The relay's step before sending; the test's destination is not a configured service, so building stops there. */
    private void prepare(OutboxStore.Stored message) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
        exchange.getIn().setBody(message);
        try {
            relay.prepare(exchange);
        } catch (RuntimeException e) {
            if (e.getClass().getSimpleName().equals("LeaseLostException")) {
                throw e;
            }
            // the unknown destination: the lease decision was already taken
        }
    }

    private static OutboxStore.Stored withLease(OutboxStore.Stored m, Instant until) {
        return new OutboxStore.Stored(m.seq(), m.messageId(), m.channel(), m.destination(), m.referralId(), m.eventType(),
                m.httpMethod(), m.targetPath(), m.payload(), m.status(), m.attempts(), m.lastHttpStatus(), m.lastError(),
                m.createdAt(), m.deliveredAt(), m.requestId(), m.leaseOwner(), until);
    }

    @Test
    void twoNodesDisablingOneEndpointAtOnceBothSucceed() throws Exception {
        String destination = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        // node a has written the endpoint's row but not committed yet when node b gets its own 410
        try (Connection nodeA = dataSource.getConnection()) {
            nodeA.setAutoCommit(false);
            try (var insert = nodeA.prepareStatement("INSERT INTO endpoint_state (destination, disabled, reason, changed_at)"
                    + " VALUES (?, TRUE, 'HTTP 410 Gone from the receiver', ?)")) {
                insert.setString(1, destination);
                insert.setTimestamp(2, java.sql.Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
            ExecutorService nodeB = Executors.newSingleThreadExecutor();
            try {
                Future<?> disabling = nodeB.submit(() -> store.disableEndpoint(destination, "HTTP 410 Gone from the receiver", Instant.now()));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> disabling.isDone() || sessionsWaitingForALock() > 0);
                nodeA.commit();
                disabling.get(30, TimeUnit.SECONDS); // throws if node b's insert failed on the duplicate key
            } finally {
                nodeB.shutdownNow();
            }
        }
        assertThat(jdbc.queryForObject("SELECT disabled FROM endpoint_state WHERE destination = ?", Boolean.class, destination)).isTrue();
        store.enableEndpoint(destination, Instant.now());
    }

    /** Sessions other than the caller's running an insert into endpoint_state right now (waiting for its lock). */
    private int sessionsWaitingForALock() {
        return TestPostgres.requested()
                ? jdbc.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND state = 'active' AND query LIKE 'INSERT INTO endpoint_state%'", Integer.class)
                : jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.sessions WHERE session_id <> SESSION_ID()"
                        + " AND executing_statement LIKE 'INSERT INTO endpoint_state%'", Integer.class);
    }

    @Test
    void assertionIdsExpireAtAnInstantWhateverTheNodesTimeZone() {
        // a timestamp without time zone is written in the writing JVM's zone: a node in another zone would read a
        // SMART client assertion id as already expired, drop it, and accept the assertion a second time
        String type = jdbc.queryForObject("SELECT data_type FROM information_schema.columns WHERE LOWER(table_name) = 'oauth_assertion_jti'"
                + " AND LOWER(column_name) = 'expires_at'", String.class);
        assertThat(type.toLowerCase(java.util.Locale.ROOT)).isEqualTo("timestamp with time zone");
    }

    @Test
    void aClaimNeverReadsBackAMessageOfAnEarlierClaimWhoseLeaseEndsInTheSameMillisecond() {
        // the relay claims again while (or just after) it sends an earlier batch; a message of that batch whose lease
        // was renewed to exactly the new claim's lease end must not be read back as claimed again (it was sent twice)
        String destination = "again-" + UUID.randomUUID().toString().substring(0, 8);
        transactions.executeWithoutResult(status -> {
            outbox.enqueue(new OutboxMessage(destination + "-1", OutboxMessage.Channel.VCS_WEBHOOK, destination,
                    destination + "-r1", "referral.created", null, null, "{}"));
        });
        Instant t0 = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        OutboxStore.Stored first = claimFor(destination, "node-a/1", t0).get(0);
        Instant t1 = t0.plusMillis(20);
        assertThat(store.renew(first, t1.plusSeconds(30))).as("renewed just before sending").isPresent();
        transactions.executeWithoutResult(status -> outbox.enqueue(new OutboxMessage(destination + "-2",
                OutboxMessage.Channel.VCS_WEBHOOK, destination, destination + "-r2", "referral.created", null, null, "{}")));
        // the next claim of the same node, in the same millisecond as the renewal: a new owner token
        assertThat(claimFor(destination, "node-a/2", t1)).extracting(OutboxStore.Stored::messageId)
                .containsExactly(destination + "-2");
    }

    private List<OutboxStore.Stored> claimFor(String destination, String owner, Instant now) {
        return store.claim(owner, now, now.plusSeconds(30), 50).stream()
                .filter(m -> m.destination().equals(destination)).toList();
    }

    @Test
    void appendsFromManyNodesAtOnceFormOneUnbrokenChain() throws Exception {
        long before = jdbc.queryForObject("SELECT last_seq FROM audit_head WHERE id = 1", Long.class);
        int checkpointsBefore = jdbc.queryForObject("SELECT COUNT(*) FROM audit_checkpoint", Integer.class);
        int nodes = 6;
        int each = 15;
        List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(nodes);
        List<Callable<Void>> work = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String actor = "test:node-" + n;
            work.add(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    seqs.add(audit.appendAlone(new AuditEntry("test.concurrent-append", actor, null, null, null,
                            JsonNodeFactory.instance.objectNode().put("n", i))));
                }
                return null;
            });
        }
        runAll(work);

        List<Long> expected = new ArrayList<>();
        for (long s = before + 1; s <= before + (long) nodes * each; s++) {
            expected.add(s);
        }
        assertThat(seqs).as("one record at each position, none skipped").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(jdbc.queryForObject("SELECT last_seq FROM audit_head WHERE id = 1", Long.class)).isEqualTo(before + nodes * each);
        AuditVerifier.Report report = verifier.verify();
        assertThat(report.issues()).isEmpty();
        assertThat(report.intact()).isTrue();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_checkpoint", Integer.class) - checkpointsBefore)
                .as("checkpoints signed every 10 records").isGreaterThanOrEqualTo(nodes * each / 10);
    }

    private static void runAll(List<Callable<Void>> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(work.size());
        try {
            for (Future<Void> f : pool.invokeAll(work, 2, TimeUnit.MINUTES)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
