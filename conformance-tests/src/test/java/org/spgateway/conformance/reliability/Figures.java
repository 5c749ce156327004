package org.spgateway.conformance.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures one fault test measured, printed and written to {@code target/reliability/<test>-<database>.json}, so
 * a run's numbers can be read back (docs/reliability.md quotes them).
 */
final class Figures {

    private final String test;
    private final Map<String, Object> values = new LinkedHashMap<>();

    Figures(String test) {
        this.test = test;
        values.put("test", test);
        values.put("database", ReliabilityDatabase.label());
        values.put("at", Instant.now().toString());
    }

    Figures put(String name, Object value) {
        values.put(name, value instanceof Duration d ? seconds(d) : value);
        return this;
    }

    Figures putAll(Map<String, ?> more) {
        more.forEach(this::put);
        return this;
    }

    /** Seconds with one decimal, for durations in reports. */
    static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    static List<Double> seconds(List<Duration> durations) {
        List<Double> out = new ArrayList<>();
        durations.forEach(d -> out.add(seconds(d)));
        return out;
    }

    static Duration max(List<Duration> durations) {
        return durations.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    static Duration median(List<Duration> durations) {
        List<Duration> sorted = durations.stream().sorted().toList();
        return sorted.isEmpty() ? Duration.ZERO : sorted.get(sorted.size() / 2);
    }

    /** Prints the figures and writes them under target/reliability. */
    void report() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(values);
        System.out.println("[spgateway reliability] " + test + " on " + ReliabilityDatabase.label() + ":\n" + text);
        Path dir = Path.of(System.getProperty("spgateway.reliability.reports", "target/reliability"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(test + "-" + ReliabilityDatabase.label().toLowerCase(java.util.Locale.ROOT) + ".json"), text);
    }
}
