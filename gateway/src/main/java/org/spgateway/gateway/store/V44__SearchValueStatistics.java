package org.spgateway.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 44 (a Java one, picked up by Spring Boot's Flyway set-up as a bean, because its statement exists on
 * PostgreSQL only): multivariate statistics on the search index's value, type and parameter columns.
 *
 * <p>A search's criterion is one {@code (value_code, resource_type, param_name)} triple, and the three columns are
 * strongly correlated ({@code requested} is nearly always a Task's {@code status}). PostgreSQL multiplies their
 * single-column selectivities as if they were independent, so on a store of 24,000 Tasks, all of them
 * {@code status=requested}, it estimated 1,055 matches for {@code Task?status=requested}, chose to collect and sort
 * every match rather than read Tasks in result order and stop at the page, and took 508 ms for the first page of open
 * Tasks; with these statistics (and the ANALYZE that fills them) it estimates 3,936, reads in order and takes 0.9 ms
 * (docs/performance.md). H2's planner has no such statistics (nor the problem: its ordered read is chosen from the
 * ORDER BY, ResourceRepository#search): there the migration records its version and does nothing.
 */
@Component
public class V44__SearchValueStatistics extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE STATISTICS IF NOT EXISTS st_search_value (mcv, dependencies)"
                    + " ON value_code, resource_type, param_name FROM fhir_search_index");
            s.execute("ANALYZE fhir_search_index");
        }
    }
}
