package org.spgateway.gateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL run of the gateway's integration tests: failsafe's {@code postgres} execution (reports suffixed
 * {@code -pg}) sets {@code spgateway.test.database=postgres} and the {@code postgres} profile, and the server comes
 * from the environment:
 * <ul>
 *   <li>{@code SPGATEWAY_TEST_PG_URL}: JDBC URL of a database to connect to for administration, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:55432/postgres};</li>
 *   <li>{@code SPGATEWAY_TEST_PG_USER} / {@code SPGATEWAY_TEST_PG_PASSWORD}: a role with {@code CREATEDB}.</li>
 * </ul>
 * Each Spring test context gets a fresh database of its own on that server ({@link PerContextPostgresDatabase}),
 * just as each context gets its own H2 file in the default run.
 */
public final class TestPostgres {

    /** System property failsafe's {@code postgres} execution sets. */
    public static final String RUN_PROPERTY = "spgateway.test.database";

    static final String URL_ENV = "SPGATEWAY_TEST_PG_URL";
    static final String USER_ENV = "SPGATEWAY_TEST_PG_USER";
    static final String PASSWORD_ENV = "SPGATEWAY_TEST_PG_PASSWORD";

    static final String HOW_TO_ENABLE = "set " + URL_ENV + " (admin JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/postgres), "
            + USER_ENV + " and " + PASSWORD_ENV + " (a role with CREATEDB), or run .ci/run, which starts a throwaway"
            + " PostgreSQL 15 and sets them";

    /** Databases this support creates: {@code spgw_it_<epoch seconds>_<random>}, so stale ones can be recognised. */
    private static final String PREFIX = "spgw_it_";
    private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d+)_[0-9a-f]+");
    private static final Duration STALE_AFTER = Duration.ofHours(6);
    private static final AtomicBoolean STALE_DROPPED = new AtomicBoolean();

    private TestPostgres() {
    }

    /** Whether this JVM runs the PostgreSQL execution of the integration tests. */
    public static boolean requested() {
        return "postgres".equals(System.getProperty(RUN_PROPERTY));
    }

    /**
     * For a test that starts the gateway itself (SpringApplicationBuilder, outside the Spring test context): in the
     * PostgreSQL run, the command-line arguments that point the {@code postgres} profile at a fresh database; in the
     * H2 run, none.
     */
    public static java.util.List<String> argsForAFreshDatabase() {
        if (!requested()) {
            return java.util.List.of();
        }
        Server server = server().orElseThrow(() -> new IllegalStateException(
                "The PostgreSQL run of the integration tests has no PostgreSQL: " + HOW_TO_ENABLE));
        String database = server.createDatabase();
        return java.util.List.of("--SPGATEWAY_DB_URL=" + server.urlOf(database), "--SPGATEWAY_DB_USER=" + server.user(),
                "--SPGATEWAY_DB_PASSWORD=" + server.password());
    }

    /** Whether the build runs as CI ({@code CI=true}), where a missing PostgreSQL is a failure, not a skip. */
    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The server from the environment, if one is given. */
    static Optional<Server> server() {
        String url = System.getenv(URL_ENV);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Server(url.trim(), orEmpty(System.getenv(USER_ENV)), orEmpty(System.getenv(PASSWORD_ENV))));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A PostgreSQL server reached through an administration URL. */
    record Server(String adminUrl, String user, String password) {

        private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(?:/([^?]*))?(\\?.*)?");

        Server {
            if (!URL.matcher(adminUrl).matches()) {
                throw new IllegalStateException(URL_ENV + " must be a jdbc:postgresql:// URL, e.g."
                        + " jdbc:postgresql://127.0.0.1:5432/postgres");
            }
        }

        /** The same server and parameters, another database. */
        String urlOf(String database) {
            Matcher m = URL.matcher(adminUrl);
            if (!m.matches()) {
                throw new IllegalStateException(URL_ENV + " is not a jdbc:postgresql:// URL");
            }
            return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
        }

        /** Creates an empty database owned by the test role and returns its name. */
        String createDatabase() {
            String name = PREFIX + Instant.now().getEpochSecond() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                 Statement sql = admin.createStatement()) {
                if (STALE_DROPPED.compareAndSet(false, true)) {
                    dropStale(sql);
                }
                sql.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create a test database on " + adminUrl + " as " + user + ": "
                        + e.getMessage(), e);
            }
            return name;
        }

        /**
         * Test databases are left for the server's owner to throw away (CI discards the whole cluster); on a
         * long-lived server, the ones from runs more than a few hours old are dropped here.
         */
        private static void dropStale(Statement sql) throws SQLException {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'spgw\\_it\\_%'")) {
                while (rs.next()) {
                    Matcher m = NAME.matcher(rs.getString(1));
                    if (m.matches() && Instant.ofEpochSecond(Long.parseLong(m.group(1))).isBefore(Instant.now().minus(STALE_AFTER))) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String name : stale) {
                try {
                    sql.execute("DROP DATABASE IF EXISTS " + name);
                } catch (SQLException inUseOrNotOurs) {
                    // another role's, or still connected: leave it
                }
            }
        }
    }
}
