package org.spgateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClosedDatabaseEvictionTest {

    private final ClosedDatabaseEviction eviction = new ClosedDatabaseEviction();

    @Test
    void aConnectionToAnEmbeddedDatabaseThatWasClosedIsDropped() throws Exception {
        String url = "jdbc:h2:mem:eviction-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection pooled = DriverManager.getConnection(url, "sa", "")) {
            try (Connection other = DriverManager.getConnection(url, "sa", "")) {
                other.createStatement().execute("SHUTDOWN"); // what H2 does itself when it cannot write its file
            }
            SQLException closed = catchThrowableOfType(SQLException.class, () -> pooled.createStatement().executeQuery("SELECT 1"));
            assertThat(eviction.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
        }
    }

    @Test
    void otherFailuresAreLeftToThePool() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:eviction-" + UUID.randomUUID(), "sa", "")) {
            SQLException syntax = catchThrowableOfType(SQLException.class, () -> c.createStatement().executeQuery("SELEC 1"));
            assertThat(eviction.adjudicate(syntax)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        }
        // PostgreSQL's "the database system is shutting down" and a unique violation: the pool's own rules decide
        assertThat(eviction.adjudicate(new SQLException("shutting down", "57P03"))).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
        assertThat(eviction.adjudicate(new SQLException("duplicate key", "23505"))).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
    }
}
