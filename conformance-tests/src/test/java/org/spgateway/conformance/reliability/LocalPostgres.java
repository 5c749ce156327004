package org.spgateway.conformance.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster this test starts itself (initdb, pg_ctl from {@code /usr/lib/postgresql/<n>/bin}),
 * so it can stop, crash and restart the database under a running gateway, make it read-only, and put the gateway's
 * tables on a file system it fills up. As root (CI) the server runs as the {@code postgres} user, as it must.
 * Without the binaries the test is skipped saying so, and under {@code CI=true} it fails.
 */
final class LocalPostgres implements AutoCloseable {

    static final String GATEWAY_ROLE = "spgateway";
    static final String GATEWAY_PASSWORD = "spgateway-test-password";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;

    private LocalPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** The newest server binaries installed, if any. */
    static Optional<Path> binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException none) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Creates and starts a cluster under {@code dir}, with a password role for the gateway. */
    static LocalPostgres start(Path dir) throws Exception {
        Optional<Path> bin = binaries();
        if (bin.isEmpty()) {
            String how = "PostgreSQL server binaries (/usr/lib/postgresql/*/bin); .ci/run installs them";
            if (ReliabilityDatabase.ci()) {
                throw new IllegalStateException("CI=true but no " + how);
            }
            Assumptions.abort("[spgateway] SKIPPED: needs " + how);
        }
        Files.createDirectories(dir);
        if (Root.isRoot()) {
            Root.run("chown", "postgres", dir.toString());
        }
        LocalPostgres pg = new LocalPostgres(bin.get(), dir, freePort());
        pg.asServerUser(pg.bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=trust", "--encoding=UTF8", "--no-locale");
        pg.startServer();
        pg.sql("CREATE ROLE " + GATEWAY_ROLE + " LOGIN PASSWORD '" + GATEWAY_PASSWORD + "'");
        return pg;
    }

    private void startServer() throws Exception {
        asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories="
                        + dir + " -c fsync=on -c max_connections=100", "start");
    }

    /** pg_ctl stop in the given mode: {@code fast} (a clean shutdown) or {@code immediate} (a crash: recovery on start). */
    void stop(String mode) throws Exception {
        asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "stop");
    }

    void start() throws Exception {
        startServer();
    }

    /** A database owned by the gateway's role, optionally in a tablespace at the given directory. */
    ReliabilityDatabase.Database createDatabase(String name, Path tablespace) throws Exception {
        String in = "";
        if (tablespace != null) {
            sql("CREATE TABLESPACE " + name + "_space OWNER " + GATEWAY_ROLE + " LOCATION '" + tablespace + "'");
            in = " TABLESPACE " + name + "_space";
        }
        sql("CREATE DATABASE " + name + " OWNER " + GATEWAY_ROLE + in);
        return new ReliabilityDatabase.Database("jdbc:postgresql://127.0.0.1:" + port + "/" + name, GATEWAY_ROLE, GATEWAY_PASSWORD);
    }

    /** Runs statements as the superuser. */
    void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private void asServerUser(String... command) throws Exception {
        List<String> full = new ArrayList<>();
        if (Root.isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IllegalStateException(String.join(" ", full) + " failed: " + out + "\n" + log);
        }
    }

    @Override
    public void close() throws Exception {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            stop("fast");
        }
    }

    /** Below the ephemeral range, so no outgoing connection holds it while the server is stopped between restarts. */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int candidate = 20000 + random.nextInt(12000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress("127.0.0.1", candidate));
                return candidate;
            } catch (IOException inUse) {
                // another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
