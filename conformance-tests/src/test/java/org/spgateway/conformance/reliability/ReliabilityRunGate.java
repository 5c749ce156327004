package org.spgateway.conformance.reliability;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Decides, before any test starts, whether the PostgreSQL run of the reliability suite can run: with a server in the
 * environment it runs; without one it fails under CI ({@code CI=true}) and otherwise runs nothing, saying once how to
 * enable it. Registered through {@code META-INF/services}; lets everything through in the default (H2) run.
 */
public class ReliabilityRunGate implements PostDiscoveryFilter {

    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (!ReliabilityDatabase.postgres() || ReliabilityDatabase.serverGiven()) {
            return FilterResult.included("a database is available");
        }
        if (ReliabilityDatabase.ci()) {
            throw new IllegalStateException("CI=true but no PostgreSQL for the PostgreSQL run of the reliability suite: "
                    + ReliabilityDatabase.HOW_TO_ENABLE);
        }
        if (ANNOUNCED.compareAndSet(false, true)) {
            System.out.println("[spgateway] reliability suite on PostgreSQL SKIPPED (no PostgreSQL given); to run it, "
                    + ReliabilityDatabase.HOW_TO_ENABLE + ". The H2 run is complete.");
        }
        return FilterResult.excluded("no PostgreSQL given");
    }
}
