package org.spgateway.benchmarks.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway jar as a separate process, started as a user starts it, with the time from launch to ready
 * (readiness 200, which needs the validator built and warmed) and samples of its CPU time, resident memory and heap.
 */
final class GatewayUnderTest implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;
    final long startupMillis;

    private GatewayUnderTest(Process process, int port, Path dataDir, Path log, long startupMillis) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.startupMillis = startupMillis;
    }

    static GatewayUnderTest start(Path jar, Path dataDir, List<String> jvmArgs, List<String> args) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("gateway jar not found at " + jar.toAbsolutePath()
                    + ": build it first (mvn -B -DskipTests package)");
        }
        Files.createDirectories(dataDir);
        int port = freePort();
        Path log = dataDir.resolve("gateway.log");
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + port,
                "--spgateway.data-dir=" + dataDir.toAbsolutePath()));
        command.addAll(args);
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = launched + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return new GatewayUnderTest(process, port, dataDir, log, (System.nanoTime() - launched) / 1_000_000);
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("gateway not ready within 300 s; see " + log);
    }

    /** Runs the gateway jar once as a command (e.g. the bulk preload) and waits for it to exit. */
    static void runCommand(Path jar, Path dataDir, List<String> jvmArgs, List<String> args, Duration timeout) throws Exception {
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=0",
                "--spgateway.data-dir=" + dataDir.toAbsolutePath()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("command.log").toFile())).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("command did not finish within " + timeout + ": " + args);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("command " + args + " exited with " + process.exitValue() + "; see "
                    + dataDir.resolve("command.log"));
        }
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    long pid() {
        return process.pid();
    }

    /** Total CPU time (user + system) the process has used, in milliseconds, from /proc. */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in MB, from /proc. */
    long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
        return -1;
    }

    /** Heap in use (all generations) in MB, from jstat; -1 if it cannot be read. */
    long heapUsedMb() {
        try {
            Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), "-gc",
                    Long.toString(pid())).redirectErrorStream(true).start();
            List<String> lines = new String(jstat.getInputStream().readAllBytes()).lines().toList();
            jstat.waitFor(10, TimeUnit.SECONDS);
            String[] names = lines.get(0).trim().split("\\s+");
            String[] values = lines.get(1).trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < names.length; i++) {
                if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                    kb += Double.parseDouble(values[i]);
                }
            }
            return (long) (kb / 1024);
        } catch (Exception e) {
            return -1;
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
