package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spgateway.conformance.GatewayProcess;

/**
 * The embedded default's disk fills up: the gateway's data directory is a small file system of its own, filled to
 * the last byte while the gateway runs. Referrals and events get a clear 5xx error (or are stored, while the
 * database still has room inside its file), never a false acknowledgement; when space returns the gateway takes
 * requests again without a restart; everything acknowledged is stored and delivered and the audit log verifies; after
 * a kill -9 the database file opens and holds it all. H2 only: on PostgreSQL the same is {@link PostgresServerFaultsIT}'s.
 */
class EmbeddedDiskFullIT {

    @Test
    void aFullDiskGivesClearErrorsAndTheGatewayRecoversWhenSpaceReturns() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityDatabase.postgres(),
                "the embedded default's run only; selected by name in the PostgreSQL run");
        Root.require("filling a small file system under the gateway's data directory");
        Path mount = Files.createTempDirectory("spgateway-rel-disk");
        Suite.Service service = Suite.Service.named("disk-links");
        try (SmallDisk disk = SmallDisk.mount(mount, 128, null); Receivers receivers = new Receivers()) {
            Path work = Path.of(System.getProperty("spgateway.work", "target/gateway-runs"));
            Files.createDirectories(work);
            GatewayProcess gateway = GatewayProcess.builder().dataDir(mount.resolve("data"))
                    .log(work.resolve("disk-full-" + System.nanoTime() + ".log").toAbsolutePath())
                    .args(Suite.gatewayArgs(receivers, List.of(service))).start();
            try {
                StoreOutage outage = new StoreOutage(gateway, receivers, service);
                for (int i = 0; i < 3; i++) {
                    assertThat(outage.postReferral().success()).as("before the disk fills").isTrue();
                }
                long filled = disk.fill();
                outage.probeDuringOutage(12);
                disk.release();
                Duration recovery = outage.awaitRecovery();
                for (int i = 0; i < 3; i++) {
                    assertThat(outage.postReferral().success()).as("after space returned").isTrue();
                }
                outage.assertNothingAcknowledgedLost();
                outage.assertAuditIntact();

                // killed, the database file opens again and holds every acknowledged referral, delivered
                gateway.kill();
                List<String> missing = new java.util.ArrayList<>();
                try (java.sql.Connection file = java.sql.DriverManager.getConnection("jdbc:h2:file:" + gateway.dataDir()
                        + "/spgateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;ACCESS_MODE_DATA=r", "sa", "");
                     java.sql.PreparedStatement delivered = file.prepareStatement("SELECT COUNT(*) FROM outbox_message"
                             + " WHERE referral_id = ? AND channel = 'vcs-webhook' AND status = 'delivered'")) {
                    for (String referral : outage.acknowledged.values()) {
                        delivered.setString(1, referral);
                        try (java.sql.ResultSet rs = delivered.executeQuery()) {
                            if (!rs.next() || rs.getInt(1) != 1) {
                                missing.add(referral);
                            }
                        }
                    }
                }
                assertThat(missing).as("acknowledged referrals not in the database file as delivered").isEmpty();
                new Figures("disk-full").putAll(outage.figures()).put("bytesFilled", filled)
                        .put("secondsToRecoverAfterSpaceReturned", recovery).report();
                outage.assertClearErrors();
            } finally {
                gateway.close();
            }
        } finally {
            Root.deleteTree(mount);
        }
    }
}
