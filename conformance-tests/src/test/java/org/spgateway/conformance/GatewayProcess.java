package org.spgateway.conformance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway jar running as a separate operating-system process, by default on its embedded default (a
 * file database in its own directory), exactly as a user starts it. {@link #kill()} is SIGKILL: no shutdown hook
 * runs. {@link #builder()} gives it environment variables (a PostgreSQL connection), JVM options or a chosen data
 * directory.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path dataDir;
    private final Path log;
    private final List<String> extraArgs;
    private final List<String> jvmArgs;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int port;
    private Duration lastStart = Duration.ZERO;
    private Instant readyAt = Instant.EPOCH;

    private GatewayProcess(Path dataDir, Path log, List<String> extraArgs, List<String> jvmArgs, Map<String, String> env) {
        this.dataDir = dataDir;
        this.log = log == null ? dataDir.resolve("gateway.log") : log;
        this.extraArgs = extraArgs;
        this.jvmArgs = jvmArgs;
        this.env = env;
    }

    /** Starts a gateway on a new, empty data directory and waits until it is ready. */
    public static GatewayProcess start(String... extraArgs) throws Exception {
        return builder().args(extraArgs).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to start a gateway process. */
    public static final class Builder {
        private Path dataDir;
        private Path log;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        /** The data directory (created if missing); a new one under {@code spgateway.work} if not given. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Where the process's output goes; {@code gateway.log} in the data directory if not given. */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        /** JVM options, e.g. {@code -Duser.timezone=Pacific/Kiritimati}. */
        public Builder jvmArgs(String... more) {
            jvmArgs.addAll(List.of(more));
            return this;
        }

        public Builder env(Map<String, String> more) {
            env.putAll(more);
            return this;
        }

        public Path dataDir() throws IOException {
            if (dataDir == null) {
                Path work = Path.of(System.getProperty("spgateway.work", "target/gateway-runs"));
                dataDir = work.resolve(UUID.randomUUID().toString());
            }
            dataDir = dataDir.toAbsolutePath();
            Files.createDirectories(dataDir);
            return dataDir;
        }

        /** Starts the process and waits until it is ready. */
        public GatewayProcess start() throws Exception {
            GatewayProcess gateway = new GatewayProcess(dataDir(), log, List.copyOf(args), List.copyOf(jvmArgs), Map.copyOf(env));
            gateway.launchOnFreePort();
            return gateway;
        }
    }

    private void awaitReady(Instant launched) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail();
                if (tail.contains("Port " + port + " was already in use")) {
                    throw new PortTakenException("Port " + port + " was taken before the gateway could bind it");
                }
                throw new IllegalStateException("Gateway exited with " + process.exitValue() + "; log:\n" + tail);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    readyAt = Instant.now();
                    lastStart = Duration.between(launched, readyAt);
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("Gateway not ready within " + START_TIMEOUT + "; log:\n" + tail());
    }

    /** SIGKILL, as a power cut or the OOM killer would: nothing gets to flush or shut down. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts the gateway again on the same data directory and port. */
    public void restart() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        launchOnPort(port);
    }

    /** SIGTERM and wait: the graceful stop an orchestrator asks for. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /**
     * The port is chosen before the process binds it, up to a minute later on a loaded machine: if something else took
     * it meanwhile, start again on another.
     */
    private void launchOnFreePort() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                launchOnPort(freePort());
                return;
            } catch (PortTakenException taken) {
                if (attempt == 3) {
                    throw taken;
                }
            }
        }
    }

    /** The process could not bind its port. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    private void launchOnPort(int fixed) throws Exception {
        Path jar = Path.of(System.getProperty("spgateway.jar", "../gateway/target/spgateway-gateway.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Gateway jar not found at " + jar.toAbsolutePath()
                    + ": run the tests through the reactor (mvn verify at the root), which packages it first");
        }
        port = fixed;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + fixed, "--spgateway.data-dir=" + dataDir));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Instant launched = Instant.now();
        process = builder.start();
        awaitReady(launched);
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * Asks the running gateway for a dump of its threads (SIGQUIT: the JVM prints it to its output, which is the log
     * file), for a test to leave behind when the gateway stopped making progress.
     */
    public void dumpThreads() throws InterruptedException {
        if (alive()) {
            try {
                new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor();
                Thread.sleep(1_000);
            } catch (IOException e) {
                // a diagnostic only: the test's own failure is what is reported
            }
        }
    }

    /** From launching the process to its first ready answer, for the last start. */
    public Duration lastStart() {
        return lastStart;
    }

    /** When the last start answered ready. */
    public Instant readyAt() {
        return readyAt;
    }

    /** The output and exit code of a one-shot command run by the gateway jar (e.g. {@code --verify-audit}). */
    public record CommandResult(int exitCode, String output) {
    }

    public static CommandResult runCommand(Path dataDir, String... args) throws Exception {
        return runCommand(dataDir, Map.of(), args);
    }

    public static CommandResult runCommand(Path dataDir, Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("spgateway.jar", "../gateway/target/spgateway-gateway.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(),
                "--server.port=0", "--spgateway.data-dir=" + dataDir));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("command did not finish: " + command);
        }
        return new CommandResult(process.exitValue(), output);
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public String fhirBase() {
        return baseUrl() + "/fhir";
    }

    /** Everything the gateway has written to its console so far. */
    public List<String> logLines() throws IOException {
        return Files.readAllLines(log);
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The whole log of every start of this gateway. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /**
     * A port nothing listens on, below the kernel's ephemeral range (32768 and up on Linux), so an outgoing
     * connection of another process cannot hold it as its local port by the time the gateway binds it.
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int candidate = 20000 + random.nextInt(12000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(candidate));
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
