package org.spgateway.conformance.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database a run of the reliability suite puts under the gateway. Failsafe's default execution runs the suite on
 * the embedded default (an H2 file in each gateway's data directory); its {@code postgres} execution sets
 * {@code spgateway.test.database=postgres}, and each deployment under test (one node, or several sharing it) gets a
 * fresh database on the server {@code SPGATEWAY_TEST_PG_URL} names, with {@code SPGATEWAY_TEST_PG_USER} and
 * {@code SPGATEWAY_TEST_PG_PASSWORD} (a role with {@code CREATEDB}), as the gateway module's PostgreSQL run does.
 */
final class ReliabilityDatabase {

    static final String RUN_PROPERTY = "spgateway.test.database";
    static final String URL_ENV = "SPGATEWAY_TEST_PG_URL";
    static final String USER_ENV = "SPGATEWAY_TEST_PG_USER";
    static final String PASSWORD_ENV = "SPGATEWAY_TEST_PG_PASSWORD";
    static final String HOW_TO_ENABLE = "set " + URL_ENV + " (admin JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/postgres), "
            + USER_ENV + " and " + PASSWORD_ENV + " (a role with CREATEDB), or run .ci/run, which starts a throwaway"
            + " PostgreSQL 15 and sets them";

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(?:/([^?]*))?(\\?.*)?");

    private ReliabilityDatabase() {
    }

    /** Whether this JVM runs the suite on PostgreSQL. */
    static boolean postgres() {
        return "postgres".equals(System.getProperty(RUN_PROPERTY));
    }

    /** For reports: H2 or PostgreSQL. */
    static String label() {
        return postgres() ? "PostgreSQL" : "H2";
    }

    /** Whether the build runs as CI ({@code CI=true}), where a missing prerequisite fails instead of skipping. */
    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static boolean serverGiven() {
        String url = System.getenv(URL_ENV);
        return url != null && !url.isBlank();
    }

    /** A PostgreSQL database and how to log in to it. */
    record Database(String url, String user, String password) {

        /** What the gateway's {@code postgres} profile reads from the environment. */
        Map<String, String> gatewayEnv() {
            return Map.of("SPGATEWAY_DB_URL", url, "SPGATEWAY_DB_USER", user, "SPGATEWAY_DB_PASSWORD", password);
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    /** What one deployment runs on: nothing to set for the embedded default, or a fresh PostgreSQL database. */
    record Deployment(Optional<Database> database) {

        List<String> gatewayArgs() {
            return database.isPresent() ? List.of("--spring.profiles.active=postgres") : List.of();
        }

        Map<String, String> gatewayEnv() {
            return database.map(Database::gatewayEnv).orElse(Map.of());
        }
    }

    /** The database for a new deployment in this run. */
    static Deployment newDeployment() {
        return new Deployment(postgres() ? Optional.of(freshDatabase()) : Optional.empty());
    }

    /** Creates an empty database on the server the environment names, owned by the test role. */
    static Database freshDatabase() {
        String adminUrl = Optional.ofNullable(System.getenv(URL_ENV)).map(String::trim).orElseThrow(() ->
                new IllegalStateException("The PostgreSQL run of the reliability suite has no PostgreSQL: " + HOW_TO_ENABLE));
        Matcher m = URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalStateException(URL_ENV + " must be a jdbc:postgresql:// URL");
        }
        String user = Optional.ofNullable(System.getenv(USER_ENV)).orElse("");
        String password = Optional.ofNullable(System.getenv(PASSWORD_ENV)).orElse("");
        // spgw_rel_<epoch seconds>_<random>: CI throws the whole cluster away; on a long-lived server the ones from
        // runs more than six hours old are dropped by the next run (the gateway module does the same with spgw_it_*)
        String name = "spgw_rel_" + Instant.now().getEpochSecond() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password); Statement sql = admin.createStatement()) {
            dropStale(sql);
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on " + adminUrl + " as " + user + ": " + e.getMessage(), e);
        }
        return new Database(m.group(1) + "/" + name + (m.group(3) == null ? "" : m.group(3)), user, password);
    }

    private static final Pattern NAME = Pattern.compile("spgw_rel_(\\d+)_[0-9a-f]+");

    private static void dropStale(Statement sql) throws SQLException {
        List<String> stale = new java.util.ArrayList<>();
        try (java.sql.ResultSet rs = sql.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'spgw\\_rel\\_%'")) {
            while (rs.next()) {
                Matcher m = NAME.matcher(rs.getString(1));
                if (m.matches() && Instant.ofEpochSecond(Long.parseLong(m.group(1))).isBefore(Instant.now().minusSeconds(6 * 3600))) {
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
