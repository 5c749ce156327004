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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway jar running as a separate operating-system process, on its embedded default (a file
 * database in its own directory), exactly as a user starts it. {@link #kill()} is SIGKILL: no shutdown hook runs.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final Path log;
    private final List<String> extraArgs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int port;

    private GatewayProcess(Path dataDir, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.log = dataDir.resolve("gateway.log");
        this.extraArgs = extraArgs;
    }

    /** Starts a gateway on a new, empty data directory and waits until it is ready. */
    public static GatewayProcess start(String... extraArgs) throws Exception {
        Path work = Path.of(System.getProperty("spgateway.work", "target/gateway-runs"));
        Path dataDir = work.resolve(UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(dataDir);
        GatewayProcess gateway = new GatewayProcess(dataDir, List.of(extraArgs));
        gateway.launch();
        return gateway;
    }

    private void launch() throws Exception {
        launchOnPort(freePort());
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Gateway exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(250);
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

    private void launchOnPort(int fixed) throws Exception {
        Path jar = Path.of(System.getProperty("spgateway.jar", "../gateway/target/spgateway-gateway.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Gateway jar not found at " + jar.toAbsolutePath()
                    + ": run the tests through the reactor (mvn verify at the root), which packages it first");
        }
        port = fixed;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(),
                "--server.port=" + fixed, "--spgateway.data-dir=" + dataDir));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The output and exit code of a one-shot command run by the gateway jar (e.g. {@code --verify-audit}). */
    public record CommandResult(int exitCode, String output) {
    }

    public static CommandResult runCommand(Path dataDir, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("spgateway.jar", "../gateway/target/spgateway-gateway.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(),
                "--server.port=0", "--spgateway.data-dir=" + dataDir));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
