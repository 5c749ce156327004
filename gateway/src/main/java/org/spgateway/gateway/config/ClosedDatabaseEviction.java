package org.spgateway.gateway.config;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the connection pool to drop a connection whose embedded (H2) database has been closed. H2 closes the
 * database when it cannot write its file (a full disk): every pooled connection then fails with "the database has
 * been closed", and a busy pool never stops reusing them, so the gateway answered 503 until it was restarted, long
 * after space had returned. Dropped instead, they are replaced by new connections, which open the database again
 * (at its last complete commit) once it can be written (reliability suite: {@code EmbeddedDiskFullIT}). Every other
 * failure is left to the pool's own rules (PostgreSQL's connection failures, SQL state 08, already evict).
 */
public class ClosedDatabaseEviction implements SQLExceptionOverride {

    /**
     * H2's codes for a database that is closed or cannot be read or written: DATABASE_IS_CLOSED,
     * DATABASE_CALLED_AT_SHUTDOWN, IO_EXCEPTION_1, IO_EXCEPTION_2.
     */
    private static final Set<Integer> CLOSED = Set.of(90098, 90121, 90028, 90031);

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && CLOSED.contains(sql.getErrorCode())
                    && String.valueOf(sql.getSQLState()).equals(Integer.toString(sql.getErrorCode()))) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
