package org.spgateway.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's figures as the markdown tables of docs/performance.md: medians of repeated runs with their range. */
final class Summary {

    private Summary() {
    }

    @SuppressWarnings("unchecked")
    static void write(Map<String, Object> suite, Path file) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(suite.get("command")).append("`\n\n");
        md.append("Machine: ").append(suite.get("machineAtStart")).append("; at the end: ").append(suite.get("machineAtEnd")).append("\n\n");
        for (String part : List.of("fixedRate", "maxRate")) {
            List<Map<String, Object>> runs = (List<Map<String, Object>>) suite.getOrDefault(part, List.of());
            if (!runs.isEmpty()) {
                md.append("Database of the load runs: ").append(runs.get(0).get("database")).append("\n\n");
                break;
            }
        }
        Map<String, Object> jmh = (Map<String, Object>) suite.get("jmh");
        md.append("### In-process baselines (JMH, operations per second)\n\n| benchmark | ops/s | ± (99.9%) |\n|---|---:|---:|\n");
        jmh.forEach((name, v) -> {
            Map<String, Object> s = (Map<String, Object>) v;
            md.append("| ").append(name).append(" | ").append(fmt(s.get("opsPerSecond"))).append(" | ").append(fmt(s.get("error99"))).append(" |\n");
        });
        List<Map<String, Object>> fixed = (List<Map<String, Object>>) suite.getOrDefault("fixedRate", List.of());
        if (!fixed.isEmpty()) {
            md.append("\n### Fixed arrival rate ").append(fmt(fixed.get(0).get("targetRate"))).append("/s (open model), ")
                    .append(fixed.size()).append(" runs of ").append(fixed.get(0).get("durationSeconds"))
                    .append(" s: median [min - max]\n\n| figure | value |\n|---|---:|\n");
            for (String key : List.of("referralsPerSecond", "failed", "intakeLatencyMs.p50", "intakeLatencyMs.p95", "intakeLatencyMs.p99",
                    "intakeLatencyMs.max", "postToWebhookMs.p50", "postToWebhookMs.p95", "postToWebhookMs.p99", "postToWebhookMs.max",
                    "eventToGpPushMs.p50", "eventToGpPushMs.p99", "gatewayCpuCoresUsed", "gatewayHeapUsedMbMax", "gatewayRssMbMax",
                    "startupMillis")) {
                md.append("| ").append(key).append(" | ").append(spread(fixed, key)).append(" |\n");
            }
        }
        List<Map<String, Object>> max = (List<Map<String, Object>>) suite.getOrDefault("maxRate", List.of());
        if (!max.isEmpty()) {
            md.append("\n### Maximum rate (").append(max.get(0).get("concurrency")).append(" concurrent GP clients), ")
                    .append(max.size()).append(" runs: median [min - max]\n\n| figure | value |\n|---|---:|\n");
            for (String key : List.of("referralsPerSecond", "failed", "intakeLatencyMs.p50", "intakeLatencyMs.p99",
                    "postToWebhookMs.p50", "postToWebhookMs.p99", "gatewayCpuCoresUsed", "gatewayHeapUsedMbMax", "gatewayRssMbMax")) {
                md.append("| ").append(key).append(" | ").append(spread(max, key)).append(" |\n");
            }
            double intake = median(max, "referralsPerSecond");
            md.append("\nValidated intake ÷ HAPI validator ceiling on the same machine, same run (2 threads, referral Bundle):\n\n");
            for (String baseline : List.of("HapiValidatorBenchmark.baseR4ReferralBundle (2 threads)",
                    "HapiValidatorBenchmark.profilesReferralBundle (2 threads)")) {
                Object b = jmh.get(baseline);
                if (b != null) {
                    double ceiling = ((Number) ((Map<String, Object>) b).get("opsPerSecond")).doubleValue();
                    md.append(String.format(Locale.ROOT, "- %s: %.1f/s, ratio %.2fx%n", baseline, ceiling, intake / ceiling));
                }
            }
        }
        Map<String, Object> scaling = (Map<String, Object>) suite.get("scaling");
        if (scaling != null && !scaling.isEmpty()) {
            md.append("\n### Stored referrals (maximum rate; per size one preload, then the runs on it: median [min - max])\n\n"
                    + "| stored | preload/s | file MB after preload | runs | intake/s | vs empty | intake p99 ms"
                    + " | Task by focus p50 / p99 ms | open Tasks page p50 / p99 ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Double empty = null;
            for (Map.Entry<String, Object> e : scaling.entrySet()) {
                List<Map<String, Object>> runs = (List<Map<String, Object>>) e.getValue();
                double rate = median(runs, "referralsPerSecond");
                if (empty == null) {
                    empty = rate;
                }
                Map<String, Object> first = runs.get(0);
                md.append("| ").append(e.getKey()).append(" | ").append(fmt(first.get("preloadPerSecond"))).append(" | ")
                        .append(fmt(first.get("storeFileMbAtStart"))).append(" | ").append(runs.size()).append(" | ")
                        .append(spread(runs, "referralsPerSecond")).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f", rate / empty)).append(" | ")
                        .append(spread(runs, "intakeLatencyMs.p99")).append(" | ")
                        .append(spread(runs, "taskSearchMs.byFocus.p50")).append(" / ").append(spread(runs, "taskSearchMs.byFocus.p99"))
                        .append(" | ").append(spread(runs, "taskSearchMs.openFirstPage.p50")).append(" / ")
                        .append(spread(runs, "taskSearchMs.openFirstPage.p99")).append(" |\n");
            }
        }
        Files.writeString(file, md.toString());
        System.out.println("wrote " + file);
    }

    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> run, String path) {
        Object v = run;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map)) {
                return null;
            }
            v = ((Map<String, Object>) v).get(part);
        }
        return v;
    }

    private static double num(Map<String, Object> run, String path) {
        Object v = get(run, path);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static double median(List<Map<String, Object>> runs, String key) {
        List<Double> values = new ArrayList<>();
        runs.forEach(r -> values.add(num(r, key)));
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static String spread(List<Map<String, Object>> runs, String key) {
        List<Double> values = new ArrayList<>();
        runs.forEach(r -> values.add(num(r, key)));
        values.sort(null);
        String m = fmt(median(runs, key));
        return values.size() == 1 ? m : m + " [" + fmt(values.get(0)) + " - " + fmt(values.get(values.size() - 1)) + "]";
    }

    private static String fmt(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? "-" : d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
        }
        return v == null ? "-" : v.toString();
    }
}
