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
 * requests again without a restart; after a kill -9 the database opens, everything acknowledged is there and
 * delivered, and the audit log verifies. H2 only: on PostgreSQL the same is {@link PostgresServerFaultsIT}'s.
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

                gateway.kill();
                gateway.restart();
                outage.assertNothingAcknowledgedLost();
                outage.assertAuditIntact();
                new Figures("disk-full").putAll(outage.figures()).put("bytesFilled", filled)
                        .put("secondsToRecoverAfterSpaceReturned", recovery).put("restartSeconds", gateway.lastStart())
                        .report();
                outage.assertClearErrors();
            } finally {
                gateway.close();
            }
        }
    }
}
