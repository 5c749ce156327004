package org.spgateway.gateway.support;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * In the PostgreSQL run, gives every Spring test context a fresh database and points the {@code postgres} profile's
 * {@code SPGATEWAY_DB_URL}/{@code _USER}/{@code _PASSWORD} at it, as an operator's environment would. Registered in
 * {@code META-INF/spring.factories}; absent from the default (H2) run. One customizer for all test classes, so it
 * does not change which classes share a cached context.
 */
public class PerContextPostgresDatabase implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return TestPostgres.requested() ? new Customizer() : null;
    }

    /** Creates the database when the context is created (not when it is fetched from the cache). */
    record Customizer() implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            TestPostgres.Server server = TestPostgres.server().orElseThrow(() -> new IllegalStateException(
                    "The PostgreSQL run of the integration tests has no PostgreSQL: " + TestPostgres.HOW_TO_ENABLE));
            if (!Arrays.asList(context.getEnvironment().getActiveProfiles()).contains("postgres")) {
                throw new IllegalStateException("The PostgreSQL run must activate the postgres profile"
                        + " (-Dspring.profiles.active=postgres), or it would test H2 again");
            }
            String database = server.createDatabase();
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("spgateway-test-postgres", Map.of(
                    "SPGATEWAY_DB_URL", server.urlOf(database),
                    "SPGATEWAY_DB_USER", server.user(),
                    "SPGATEWAY_DB_PASSWORD", server.password())));
        }
    }
}
