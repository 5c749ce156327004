package org.spgateway.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.spgateway.benchmarks.load.BenchDatabases;
import org.spgateway.benchmarks.load.LoadDriver;

/**
 * The one entry point of the benchmarks ({@code java -jar benchmarks/target/spgateway-benchmarks.jar COMMAND}):
 * <ul>
 * <li>{@code jmh [--quick] [--threads N]}: the in-process baselines;</li>
 * <li>{@code load [--rate R | --concurrency C] [--duration S] [--warmup S] [--preload N] [--searches N]
 *     [--data-dir D]}: one load run against the gateway jar (on the store in {@code D}, e.g. a copy of one preloaded
 *     before, instead of a new one);</li>
 * <li>{@code suite [--quick] [--repeats N] [--scale 10000,100000,1000000] [--store-cache DIR]}: everything
 *     docs/performance.md reports, with medians and spreads of repeated runs, written to {@code --out} (default
 *     {@code benchmarks/target/results}); with {@code --store-cache} the preloaded stores are kept in DIR and topped up
 *     by the next suite instead of filled again (a million referrals take hours to store).</li>
 * </ul>
 * PostgreSQL instead of the embedded default: {@code --pg-url jdbc:postgresql://... --pg-user U --pg-password P}
 * (or the SPGATEWAY_TEST_PG_URL/USER/PASSWORD environment variables with {@code --pg}), a role that may create
 * databases: each store gets its own database on that server ({@link org.spgateway.benchmarks.load.BenchDatabases}).
 */
public final class BenchmarkMain {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchmarkMain() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: java -jar spgateway-benchmarks.jar jmh|load|suite [options] (see BenchmarkMain)");
            System.exit(2);
        }
        Args args = new Args(Arrays.copyOfRange(argv, 1, argv.length));
        jmhWarmup = args.getInt("jmh-warmup", jmhWarmup);
        jmhIterations = args.getInt("jmh-iterations", jmhIterations);
        jmhSeconds = args.getInt("jmh-seconds", jmhSeconds);
        Path out = Path.of(args.get("out", "benchmarks/target/results"));
        Files.createDirectories(out);
        switch (argv[0]) {
            case "jmh" -> write(out.resolve("jmh.json"), jmh(args.has("quick"), args.getInt("threads", 1), args.get("include", ".*")));
            case "load" -> write(out.resolve("load.json"), load(args, args.getDouble("rate", 100),
                    args.getLong("preload", 0), args.has("data-dir") ? Path.of(args.get("data-dir", ""))
                            : out.resolve("runs").resolve("load-" + System.currentTimeMillis())).figures());
            case "suite" -> Suite.run(args, out);
            default -> {
                System.err.println("unknown command " + argv[0]);
                System.exit(2);
            }
        }
        System.exit(0); // the HTTP client's threads are not daemons
    }

    /** The JMH baselines: score in operations per second for each benchmark. */
    /** JMH iteration settings of the full runs: {@code --jmh-warmup N --jmh-iterations N --jmh-seconds S}. */
    static int jmhWarmup = 3;
    static int jmhIterations = 5;
    static int jmhSeconds = 5;

    static Map<String, Object> jmh(boolean quick, int threads, String include) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder().include("org\\.spgateway\\.benchmarks\\.jmh\\." + include)
                .threads(threads).shouldFailOnError(true)
                .jvmArgsAppend("-Xmx1g");
        if (quick) {
            // the smoke run: proves every benchmark runs and yields a figure, not a measurement
            options.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(1)
                    .measurementTime(TimeValue.seconds(1));
        } else {
            options.forks(1).warmupIterations(jmhWarmup).warmupTime(TimeValue.seconds(jmhSeconds))
                    .measurementIterations(jmhIterations).measurementTime(TimeValue.seconds(jmhSeconds));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Object> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replace("org.spgateway.benchmarks.jmh.", "");
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("opsPerSecond", Math.round(r.getPrimaryResult().getScore() * 10) / 10.0);
            double error = r.getPrimaryResult().getScoreError();
            s.put("error99", Double.isNaN(error) ? null : Math.round(error * 10) / 10.0);
            s.put("threads", threads);
            scores.put(name, s);
        }
        return scores;
    }

    static LoadDriver.Result load(Args args, double rate, long preload, Path dataDir) throws Exception {
        return load(args, rate, preload, dataDir, args.has("data-dir"));
    }

    /** @param keepStore measure the store already in {@code dataDir} (and its PostgreSQL database), if there is one */
    static LoadDriver.Result load(Args args, double rate, long preload, Path dataDir, boolean keepStore) throws Exception {
        Path jar = Path.of(args.get("gateway-jar", System.getProperty("spgateway.jar", "gateway/target/spgateway-gateway.jar")));
        List<String> jvm = new ArrayList<>(List.of(args.get("gateway-heap", "-Xmx512m")));
        if (args.has("jfr")) {
            jvm.add("-XX:StartFlightRecording=filename=" + dataDir.resolve("gateway.jfr").toAbsolutePath() + ",settings=profile");
        }
        LoadDriver.Config config = new LoadDriver.Config(jar, dataDir, rate, args.getInt("concurrency", 16),
                Duration.ofSeconds(args.getLong("warmup", 20)), Duration.ofSeconds(args.getLong("duration", 60)),
                !args.has("no-events"), preload, args.getInt("searches", 200), jvm, args.list("gateway-arg"),
                postgres(args, dataDir, keepStore));
        LoadDriver.Result result = LoadDriver.run(config);
        System.out.println(JSON.writeValueAsString(result.figures()));
        return result;
    }

    /**
     * The datasource of a PostgreSQL run: database {@code spgw_bench_<data directory name>} on the named server, new
     * for each store (kept with {@code load --data-dir}, whose store was preloaded before).
     */
    private static Map<String, String> postgres(Args args, Path dataDir, boolean keepStore) throws Exception {
        Map<String, String> pg = new LinkedHashMap<>();
        String url = args.get("pg-url", args.has("pg") ? System.getenv("SPGATEWAY_TEST_PG_URL") : null);
        if (url != null) {
            String user = args.get("pg-user", System.getenv().getOrDefault("SPGATEWAY_TEST_PG_USER", "postgres"));
            String password = args.get("pg-password", System.getenv().getOrDefault("SPGATEWAY_TEST_PG_PASSWORD", ""));
            pg.put("spring.datasource.url", BenchDatabases.forStore(url, user, password,
                    dataDir.getFileName().toString(), keepStore));
            pg.put("spring.datasource.username", user);
            pg.put("spring.datasource.password", password);
        }
        return pg;
    }

    static void write(Path file, Object value) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(value));
        System.out.println("wrote " + file);
    }

    static String machine() {
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            return "cores " + Runtime.getRuntime().availableProcessors() + ", load average " + load.substring(0, load.indexOf(' ', 15))
                    + ", at " + Instant.now();
        } catch (Exception e) {
            return "cores " + Runtime.getRuntime().availableProcessors();
        }
    }

    /** {@code --name value} options; repeated options accumulate. */
    static final class Args {
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private final String[] raw;

        Args(String[] argv) {
            this.raw = argv.clone();
            for (int i = 0; i < argv.length; i++) {
                if (!argv[i].startsWith("--")) {
                    throw new IllegalArgumentException("unexpected " + argv[i]);
                }
                String name = argv[i].substring(2);
                String value = i + 1 < argv.length && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }

        List<String> raw() {
            return List.of(raw);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String get(String name, String fallback) {
            List<String> v = values.get(name);
            return v == null ? fallback : v.get(v.size() - 1);
        }

        List<String> list(String name) {
            return values.getOrDefault(name, List.of());
        }

        int getInt(String name, int fallback) {
            return Integer.parseInt(get(name, Integer.toString(fallback)));
        }

        long getLong(String name, long fallback) {
            return Long.parseLong(get(name, Long.toString(fallback)));
        }

        double getDouble(String name, double fallback) {
            return Double.parseDouble(get(name, Double.toString(fallback)));
        }
    }

    static void sleepQuietly(long seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds);
    }
}
