package org.spgateway.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * On PostgreSQL a batch of INSERTs (a resource's search-index rows, a transaction's audit records) reaches the server
 * as multi-row INSERTs ({@code reWriteBatchedInserts} in the {@code postgres} profile), not as one statement per row:
 * the driver then answers "success, row count unknown" for each row, which is how the rewrite shows from outside.
 * The gateway never reads those counts. On H2 each row is its own statement and counts one.
 */
@SpringBootTest(properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class BatchedInsertsIT {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aBatchOfInsertsGoesAsMultiRowInsertsOnPostgres() {
        List<Object[]> rows = List.of(
                new Object[] {"Task", "batch-1", "status", null, "requested"},
                new Object[] {"Task", "batch-1", "focus", null, "ServiceRequest/batch-sr-1"},
                new Object[] {"Task", "batch-1", "owner", null, "Organization/batch-org"},
                new Object[] {"Task", "batch-1", "patient", null, "Patient/batch-p-1"});
        int[] counts = jdbc.batchUpdate("INSERT INTO fhir_search_index (resource_type, resource_id, param_name,"
                + " value_system, value_code) VALUES (?, ?, ?, ?, ?)", rows);

        assertThat(counts).hasSize(4);
        if (TestPostgres.requested()) {
            // the driver groups rows in powers of two: four rows, one INSERT
            assertThat(counts).as("rewritten into a multi-row INSERT").containsOnly(Statement.SUCCESS_NO_INFO);
        } else {
            assertThat(counts).containsOnly(1);
        }
        assertThat(jdbc.queryForList("SELECT value_code FROM fhir_search_index WHERE resource_type = 'Task'"
                + " AND resource_id = 'batch-1' ORDER BY param_name", String.class))
                .containsExactly("ServiceRequest/batch-sr-1", "Organization/batch-org", "Patient/batch-p-1", "requested");
    }
}
