package org.spgateway.gateway.support;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Decides, before any test starts, whether the PostgreSQL run of the integration tests can run: with a server in
 * the environment it runs everything; without one it fails under CI ({@code CI=true}) and otherwise runs nothing,
 * saying once how to enable it. Registered through {@code META-INF/services}; lets everything through in the
 * default (H2) run and in unit tests.
 */
public class PostgresRunGate implements PostDiscoveryFilter {

    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (!TestPostgres.requested() || TestPostgres.server().isPresent()) {
            return FilterResult.included("a database is available");
        }
        if (TestPostgres.ci()) {
            throw new IllegalStateException("CI=true but no PostgreSQL for the PostgreSQL run of the integration tests: "
                    + TestPostgres.HOW_TO_ENABLE);
        }
        if (ANNOUNCED.compareAndSet(false, true)) {
            System.out.println("[spgateway] PostgreSQL integration tests SKIPPED (no PostgreSQL given); to run them, "
                    + TestPostgres.HOW_TO_ENABLE + ". The H2 run above is complete.");
        }
        return FilterResult.excluded("no PostgreSQL given");
    }
}
