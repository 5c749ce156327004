package org.spgateway.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The embedded H2 file is compacted while the gateway runs: after thousands of commits it shrinks back towards its
 * live size (without compaction it grew by every commit's chunk). On PostgreSQL compaction does nothing.
 */
@SpringBootTest(properties = {"spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.store.compact-every=1h",
        "spgateway.store.compact-retention=0ms"})
class EmbeddedCompactionIT {

    @Autowired
    EmbeddedCompaction compaction;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void h2RunsWithoutItsInternalAssertionsAsInProduction() {
        // gateway/pom.xml (failsafe argLine): the test JVMs run H2 as `java -jar` does; the gateway's own asserts stay on
        assertThat(org.h2.mvstore.FileStore.class.desiredAssertionStatus()).isFalse();
        assertThat(EmbeddedCompaction.class.desiredAssertionStatus()).isTrue();
    }

    @Test
    void theFileShrinksBackAfterManyCommits() throws Exception {
        if (TestPostgres.requested()) {
            assertThat(compaction.compactOnce()).as("nothing to compact on PostgreSQL").isFalse();
            return;
        }
        Path file = Path.of(jdbc.queryForObject("SELECT DATABASE_PATH()", String.class) + ".mv.db");
        jdbc.execute("CREATE TABLE compaction_probe (id INT PRIMARY KEY, v VARCHAR)");
        String pad = "x".repeat(3000);
        // each statement is its own commit, each commit a new chunk; rewriting the same rows leaves most chunks dead
        for (int i = 0; i < 4000; i++) {
            jdbc.update("MERGE INTO compaction_probe (id, v) KEY (id) VALUES (?, ?)", i % 200, pad + i);
        }
        long grown = Files.size(file);
        for (int i = 0; i < 100 && Files.size(file) > grown / 2; i++) {
            assertThat(compaction.compactOnce()).isTrue();
        }
        assertThat(Files.size(file)).as("file after compaction, grown to %d bytes", grown).isLessThan(grown / 2);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM compaction_probe", Integer.class)).isEqualTo(200);
        jdbc.execute("DROP TABLE compaction_probe");
    }
}
