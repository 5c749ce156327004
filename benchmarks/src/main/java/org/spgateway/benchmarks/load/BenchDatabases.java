package org.spgateway.benchmarks.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PostgreSQL database per measured store, as the embedded default gets one data directory per store: a load run
 * on PostgreSQL measures the store it names, not the referrals earlier runs left behind. The database is named after
 * the run's data directory ({@code fixed-0}, {@code max-2}, {@code scale-10000}, ...); the first time this process
 * asks for a name it is dropped and created empty (a suite's repeated runs on one stored size then share it), unless
 * the caller wants an existing one kept ({@code load --data-dir} on a store preloaded before).
 */
public final class BenchDatabases {

    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?$");
    private static final Set<String> createdHere = new HashSet<>();

    private BenchDatabases() {
    }

    /** The JDBC URL of database {@code spgw_bench_<store>} on the server of {@code serverUrl}. */
    public static synchronized String forStore(String serverUrl, String user, String password, String store,
                                              boolean keepExisting) throws SQLException {
        Matcher m = URL.matcher(serverUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host[:port]/database URL: " + serverUrl);
        }
        String name = "spgw_bench_" + store.toLowerCase().replaceAll("[^a-z0-9]", "_");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            boolean exists;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, name);
                try (ResultSet r = q.executeQuery()) {
                    exists = r.next();
                }
            }
            if (exists && !keepExisting && !createdHere.contains(name)) {
                s.execute("DROP DATABASE \"" + name + "\" WITH (FORCE)");
                exists = false;
            }
            if (!exists) {
                s.execute("CREATE DATABASE \"" + name + "\"");
            }
            createdHere.add(name);
        }
        return m.group(1) + name + (m.group(3) == null ? "" : m.group(3));
    }

    /** The size on disk of the run's database (tables, indexes, TOAST), in MB: PostgreSQL's "store file". */
    static long sizeMb(java.util.Map<String, String> datasource) throws SQLException {
        try (Connection c = DriverManager.getConnection(datasource.get("spring.datasource.url"),
                datasource.get("spring.datasource.username"), datasource.get("spring.datasource.password"));
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_database_size(current_database())")) {
            r.next();
            return r.getLong(1) >> 20;
        }
    }
}
