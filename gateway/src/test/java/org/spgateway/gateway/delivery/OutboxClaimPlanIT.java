package org.spgateway.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.spgateway.gateway.encryption.ColumnCipher;
import org.spgateway.gateway.support.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay's claim when the backlog outgrows what the database planned it for. A benchmark run on PostgreSQL found
 * one claim running for 13 minutes on 5,500 pending messages (nothing was delivered meanwhile): the claim was then
 * one {@code UPDATE ... WHERE seq IN (SELECT ... LIMIT ... FOR UPDATE SKIP LOCKED)}, and a plan cached while the table
 * held a few rows ran the whole candidate query again for every pending row. A new database, or a backlog building
 * up while a receiver is down, is exactly that. Here the PostgreSQL run gets that plan deterministically: the claims
 * go over one connection whose statements are prepared on the server from their first use and planned generically
 * ({@code plan_cache_mode=force_generic_plan}), first while the table holds two messages, then after 3,000 more
 * arrive. The H2 run claims the same backlog through the gateway's own store.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}"})
class OutboxClaimPlanIT {

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
    ColumnCipher cipher;

    @Autowired
    CamelContext camel;

    @BeforeEach
    void stopThisNodesRelay() throws Exception {
        camel.getRouteController().stopRoute(RELAY);
    }

    @AfterEach
    void startItAgain() throws Exception {
        camel.getRouteController().startRoute(RELAY);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aClaimTakesTheEarliestBatchWhenTheBacklogHasGrownPastThePlanItWasCachedWith() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String destination = "plan-" + run;
        SingleConnectionDataSource planned = TestPostgres.requested() ? genericPlansFromTheFirstUse() : null;
        try {
            OutboxStore claimer = planned == null ? store : new OutboxStore(new JdbcTemplate(planned), cipher,
                    new TransactionTemplate(new DataSourceTransactionManager(planned)));
            enqueue(run, destination, 0, 2);
            // claimed (and so planned) while the table holds two messages, then delivered out of the way
            for (int i = 0; i < 3; i++) {
                for (OutboxStore.Stored m : claimer.claim("tiny-" + i, now(), now().plusSeconds(30), 100)) {
                    assertThat(claimer.delivered(m, 204, Instant.now())).isTrue();
                }
            }
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message WHERE destination = ? AND status = 'delivered'",
                    Integer.class, destination)).as("the two first messages, delivered").isEqualTo(2);

            enqueue(run, destination, 2, 3_002);
            List<Long> earliest = jdbc.queryForList("SELECT seq FROM outbox_message WHERE destination = ? AND status = 'pending'"
                    + " ORDER BY next_attempt_at, seq LIMIT 100", Long.class, destination);

            List<OutboxStore.Stored> batch = claimer.claim("after-growth", now(), now().plusSeconds(30), 100);

            assertThat(batch).as("one full batch").hasSize(100);
            assertThat(batch.stream().map(OutboxStore.Stored::seq).toList()).as("the earliest due, in order")
                    .containsExactlyElementsOf(earliest);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message WHERE destination = ? AND lease_owner = ?",
                    Integer.class, destination, "after-growth")).as("leased rows").isEqualTo(100);
        } finally {
            if (planned != null) {
                planned.destroy();
            }
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Messages {@code from} to {@code to - 1}, each of its own referral, all for one destination. */
    private void enqueue(String run, String destination, int from, int to) {
        transactions.executeWithoutResult(status -> {
            for (int i = from; i < to; i++) {
                outbox.enqueue(new OutboxMessage(run + "-" + i, OutboxMessage.Channel.VCS_WEBHOOK, destination,
                        run + "-referral-" + i, "referral.created", null, null, "{\"n\":" + i + "}"));
            }
        });
    }

    /** One connection to this context's PostgreSQL database whose statements get a generic plan at their first use. */
    private SingleConnectionDataSource genericPlansFromTheFirstUse() {
        HikariDataSource pool = (HikariDataSource) dataSource;
        String url = pool.getJdbcUrl() + (pool.getJdbcUrl().contains("?") ? "&" : "?")
                + "prepareThreshold=1&options=-c%20plan_cache_mode%3Dforce_generic_plan";
        SingleConnectionDataSource one = new SingleConnectionDataSource(url, pool.getUsername(), pool.getPassword(), true);
        assertThat(new JdbcTemplate(one).queryForObject("SHOW plan_cache_mode", String.class)).isEqualTo("force_generic_plan");
        return one;
    }
}
