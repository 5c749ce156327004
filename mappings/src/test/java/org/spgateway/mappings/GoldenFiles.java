package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Golden-file cases: {@code src/test/resources/<feature>/<case>/{input.json,expected.json}}, compared as JSON trees.
 *
 * <p>To regenerate after an intended change, run with {@code -Dgolden.update=true}, then review the diff of every
 * {@code expected.json} before committing: the update run itself always fails, so it cannot pass unreviewed.
 */
final class GoldenFiles {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path ROOT = Path.of("src", "test", "resources");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private GoldenFiles() {
    }

    static Stream<Arguments> cases(String feature) {
        try (Stream<Path> dirs = Files.list(ROOT.resolve(feature))) {
            List<Path> cases = dirs.filter(Files::isDirectory).sorted().toList();
            assertThat(cases).as("golden cases under " + feature).isNotEmpty();
            return cases.stream().map(dir -> Arguments.of(Named.of(dir.getFileName().toString(), dir)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts {@code actual} equals {@code dir/expected.json} as a JSON tree (order of object fields ignored). */
    static void assertMatches(Path dir, JsonNode actual) {
        Path expectedFile = dir.resolve("expected.json");
        if (UPDATE) {
            try {
                Files.writeString(expectedFile, JSON.writeValueAsString(actual) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new AssertionError("golden.update: wrote " + expectedFile + "; review it and rerun without the flag");
        }
        assertThat(Files.exists(expectedFile)).as(expectedFile + " exists").isTrue();
        JsonNode expected = read(expectedFile);
        if (!expected.equals(actual)) {
            // JsonNode equality ignores object field order; the pretty-printed trees make the diff readable.
            try {
                throw new AssertionError("JSON of " + dir.getFileName() + " differs from expected.json\nexpected:\n"
                        + JSON.writeValueAsString(expected) + "\nactual:\n" + JSON.writeValueAsString(actual));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
