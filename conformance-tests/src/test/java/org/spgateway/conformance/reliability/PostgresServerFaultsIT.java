package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spgateway.conformance.GatewayProcess;
import org.spgateway.conformance.GpSystem;

/**
 * The gateway's PostgreSQL server misbehaves under it, on a throwaway cluster this test starts itself: the server
 * is restarted (a clean fast shutdown) and crashed ({@code pg_ctl stop -m immediate}, recovery on start) while GP
 * systems and a service keep sending; the database turns read-only (as after a fail-over to a replica); the file
 * system holding the gateway's tables fills up. Nothing acknowledged is lost, the errors are clear 5xx answers, and
 * the gateway comes back by itself each time. PostgreSQL only: the embedded default has no server to restart, and its
 * full disk is {@link EmbeddedDiskFullIT}'s.
 */
class PostgresServerFaultsIT {

    private static Path dir;
    private static LocalPostgres postgres;
    private static SmallDisk disk;
    private static Receivers receivers;
    private static GatewayProcess gateway;
    private static final Suite.Service LOAD = Suite.Service.named("db-links");
    private static final Suite.Service PROBES = Suite.Service.named("store-links");

    @BeforeAll
    static void cluster() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ReliabilityDatabase.postgres(),
                "PostgreSQL run only (failsafe's postgres execution); selected by name in the embedded default's run");
        // readable by the postgres user the server runs as when the tests run as root
        dir = Files.createTempDirectory("spgateway-rel-pg", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        postgres = LocalPostgres.start(dir.resolve("cluster"));
        Path tablespace = null;
        if (Root.isRoot()) {
            // the gateway's tables on a small file system of their own; the server's WAL stays on the real disk
            disk = SmallDisk.mount(dir.resolve("small"), 160, "postgres");
            tablespace = disk.path().resolve("ts");
            Root.run("runuser", "-u", "postgres", "--", "mkdir", tablespace.toString());
        }
        ReliabilityDatabase.Database database = postgres.createDatabase("spgateway", tablespace);
        receivers = new Receivers();
        gateway = GatewayProcess.builder().args("--spring.profiles.active=postgres")
                .args(Suite.gatewayArgs(receivers, List.of(LOAD, PROBES))).env(database.gatewayEnv()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (receivers != null) {
            receivers.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (disk != null) {
            disk.close();
        }
        Root.deleteTree(dir);
    }

    @Test
    void theDatabaseRestartedAndCrashedUnderLoadLosesNothingAcknowledged() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Traffic traffic = new Traffic(List.of(new Traffic.Node(gateway, new GpSystem(gateway), LOAD.organisation(gateway.baseUrl()))),
                receivers, LOAD, seed, 2, 1);
        List<Duration> outages = new ArrayList<>();
        int serverErrorsBefore;
        Instant started = Instant.now();
        try {
            traffic.start();
            TimeUnit.MILLISECONDS.sleep(2000 + random.nextInt(2000)); // load until a random moment
            serverErrorsBefore = traffic.serverErrors();
            Instant down = Instant.now();
            postgres.stop("fast");
            postgres.start();
            outages.add(Duration.between(down, Instant.now()));
            TimeUnit.MILLISECONDS.sleep(2000 + random.nextInt(2000));
            down = Instant.now();
            postgres.stop("immediate"); // a crash: no checkpoint, recovery from the WAL on start
            try {
                // while the server is away the node says it is not ready, so a load balancer stops sending to it
                await().atMost(Duration.ofSeconds(90)).until(() -> readinessStatus() == 503);
            } finally {
                postgres.start();
            }
            outages.add(Duration.between(down, Instant.now()));
            TimeUnit.SECONDS.sleep(2);
            traffic.stopNewReferrals();
            CrashUnderLoadIT.awaitQuietly(Duration.ofMinutes(3), traffic::settled);
        } finally {
            traffic.stop();
        }
        CrashUnderLoadIT.awaitQuietly(Duration.ofMinutes(1), () -> DeliveryCheck.undelivered(traffic, receivers, LOAD.id()).isEmpty());
        DeliveryCheck.Result result = DeliveryCheck.check(traffic, receivers, LOAD.id(), new GpSystem(gateway));
        new Figures("database-restart").put("seed", seed).put("runSeconds", Duration.between(started, Instant.now()))
                .put("outageSeconds", Figures.seconds(outages)).put("serverErrorsBeforeTheOutages", serverErrorsBefore)
                .putAll(result.figures()).report();

        assertThat(traffic.refusals()).isEmpty();
        assertThat(result.lost()).as("acknowledged but lost").isEmpty();
        assertThat(result.underAnotherId()).isEmpty();
        assertThat(result.outOfOrder()).isEmpty();
        assertThat(result.wrongFinalState()).isEmpty();
        assertThat(traffic.serverErrors() + traffic.noAnswer()).as("requests that met the outages").isPositive();
        assertThat(gateway.alive()).as("the gateway rode out the outages without a restart").isTrue();
    }

    private static int readinessStatus() {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(gateway.baseUrl() + "/actuator/health/readiness")).timeout(Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aReadOnlyDatabaseGivesClearErrorsAndTheGatewayRecovers() throws Exception {
        StoreOutage outage = new StoreOutage(gateway, receivers, PROBES);
        assertThat(outage.postReferral().success()).isTrue();
        postgres.sql("ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()");
        try {
            outage.probeDuringOutage(5);
        } finally {
            postgres.sql("ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
        }
        Duration recovery = outage.awaitRecovery();
        outage.assertNothingAcknowledgedLost();
        outage.assertAuditIntact();
        new Figures("database-read-only").putAll(outage.figures()).put("secondsToRecover", recovery).report();
        outage.assertClearErrors();
        assertThat(outage.duringOutage.stream().filter(StoreOutage.Answer::success)).as("writes a read-only database took").isEmpty();
    }

    @Test
    void aFullDiskUnderTheTablesGivesClearErrorsAndTheGatewayRecoversWhenSpaceReturns() throws Exception {
        Root.require("filling a small file system under the gateway's tablespace");
        StoreOutage outage = new StoreOutage(gateway, receivers, PROBES);
        assertThat(outage.postReferral().success()).isTrue();
        long filled = disk.fill();
        try {
            outage.probeDuringOutage(12);
        } finally {
            disk.release();
        }
        Duration recovery = outage.awaitRecovery();
        outage.assertNothingAcknowledgedLost();
        outage.assertAuditIntact();
        new Figures("disk-full").putAll(outage.figures()).put("bytesFilled", filled).put("secondsToRecover", recovery).report();
        outage.assertClearErrors();
    }
}
