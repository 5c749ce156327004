package org.spgateway.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spgateway.benchmarks.load.LoadDriver;

/**
 * Every figure of docs/performance.md in one run: the JMH baselines (one and two threads), repeated fixed-rate and
 * maximum-rate load runs (median and spread), and intake and Task search with 0, 10k, 100k and 1M stored referrals.
 * Writes {@code suite.json} (every run's figures) and {@code summary.md} (the tables).
 */
final class Suite {

    private Suite() {
    }

    static void run(BenchmarkMain.Args args, Path out) throws Exception {
        boolean quick = args.has("quick");
        int repeats = args.getInt("repeats", quick ? 1 : 3);
        Map<String, Object> suite = new LinkedHashMap<>();
        suite.put("machineAtStart", BenchmarkMain.machine());
        suite.put("command", "benchmarks/run.sh " + String.join(" ", args.raw()));

        Map<String, Object> jmh = new LinkedHashMap<>(BenchmarkMain.jmh(quick, 1, args.get("include", ".*")));
        if (!quick) {
            BenchmarkMain.jmh(false, 2, "(HapiValidator|GatewayValidation|HapiParse).*")
                    .forEach((k, v) -> jmh.put(k + " (2 threads)", v));
        }
        suite.put("jmh", jmh);
        BenchmarkMain.write(out.resolve("suite.json"), suite);

        double rate = args.getDouble("rate", quick ? 50 : 100);
        List<Map<String, Object>> fixed = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            fixed.add(BenchmarkMain.load(args, rate, 0, out.resolve("runs").resolve("fixed-" + i)).figures());
            suite.put("fixedRate", fixed);
            BenchmarkMain.write(out.resolve("suite.json"), suite);
            Summary.write(suite, out.resolve("summary.md"));
        }
        if (!quick && !args.has("no-max")) {
            List<Map<String, Object>> max = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                max.add(BenchmarkMain.load(args, 0, 0, out.resolve("runs").resolve("max-" + i)).figures());
                suite.put("maxRate", max);
                BenchmarkMain.write(out.resolve("suite.json"), suite);
                Summary.write(suite, out.resolve("summary.md"));
            }
        }
        if (!quick && !args.get("scale", "").equals("none")) {
            // per size: one preload, then the repeated measured runs on that store (each adds its own referrals, a few
            // thousand at most: small against the sizes measured)
            Map<String, Object> scaling = new LinkedHashMap<>();
            for (String n : args.get("scale", "0,10000,100000,1000000").split(",")) {
                long stored = Long.parseLong(n.trim());
                // --store-cache: the preloaded store outlives the suite (directory, and PostgreSQL database named after
                // it); the next suite tops it up to the size asked for and measures it as it stands
                boolean cached = args.has("store-cache") && stored > 0;
                Path dir = cached
                        ? Path.of(args.get("store-cache", "")).resolve((args.has("pg") || args.has("pg-url") ? "pg" : "h2")
                                + "-scale-" + stored)
                        : out.resolve("runs").resolve("scale-" + stored);
                List<Map<String, Object>> runs = new ArrayList<>();
                long held = stored;
                for (int i = 0; i < repeats; i++) {
                    Map<String, Object> figures = new LinkedHashMap<>(
                            BenchmarkMain.load(args, 0, i == 0 ? stored : 0, dir, cached).figures());
                    if (figures.get("storeHeldAfterPreload") instanceof Number h) {
                        held = h.longValue();
                    }
                    figures.put("storedAtStart", held);
                    if (cached) {
                        figures.put("storeDirectory", dir.toString());
                    }
                    // the run's own referrals (warm-up, measured, and the one posted alone first) stay for the next run
                    held += ((Number) figures.getOrDefault("created", 0)).longValue()
                            + ((Number) figures.getOrDefault("createdInWarmUp", 0)).longValue() + 1;
                    runs.add(figures);
                    scaling.put(n.trim(), runs);
                    suite.put("scaling", scaling);
                    BenchmarkMain.write(out.resolve("suite.json"), suite);
                    Summary.write(suite, out.resolve("summary.md"));
                }
            }
        }
        suite.put("machineAtEnd", BenchmarkMain.machine());
        BenchmarkMain.write(out.resolve("suite.json"), suite);
        Summary.write(suite, out.resolve("summary.md"));
    }
}
