package org.spgateway.gateway.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Index of Multiple Deprivation decile (1 = most deprived tenth of areas in England, 10 = least) by postcode prefix,
 * from a CSV file: lines {@code postcode_prefix,imd_decile}; blank lines, {@code #} comments and a header line are
 * skipped. The longest prefix of the (normalised) postcode that the table holds decides.
 */
public final class ImdLookup {

    private final Map<String, Integer> deciles;
    private final String source;
    private final boolean demo;

    private ImdLookup(Map<String, Integer> deciles, String source, boolean demo) {
        this.deciles = deciles;
        this.source = source;
        this.demo = demo;
    }

    /** The configured file, or the built-in demo table when {@code file} is blank. */
    public static ImdLookup load(String file) {
        if (file == null || file.isBlank()) {
            try (InputStream in = ImdLookup.class.getResourceAsStream("/dashboard/imd-demo.csv")) {
                if (in == null) {
                    throw new IllegalStateException("dashboard/imd-demo.csv is missing from the jar");
                }
                return new ImdLookup(parse(in, "the built-in demo table"), "built-in demo table (not real IMD data)", true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path path = Path.of(file);
        try (InputStream in = Files.newInputStream(path)) {
            return new ImdLookup(parse(in, file), path.getFileName().toString(), false);
        } catch (IOException e) {
            throw new IllegalStateException("spgateway.dashboard.imd-lookup-file: cannot read " + file + " (" + e.getMessage()
                    + "); point it at a CSV of postcode_prefix,imd_decile or leave it empty for the demo table", e);
        }
    }

    private static Map<String, Integer> parse(InputStream in, String name) throws IOException {
        Map<String, Integer> deciles = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.toLowerCase(Locale.ROOT).startsWith("postcode")) {
                continue;
            }
            String[] cells = trimmed.split(",");
            try {
                int decile = Integer.parseInt(cells[1].trim());
                if (decile < 1 || decile > 10) {
                    throw new NumberFormatException("out of range");
                }
                deciles.put(normalise(cells[0]), decile);
            } catch (RuntimeException e) {
                throw new IllegalStateException("spgateway.dashboard.imd-lookup-file: " + name + " line " + lineNumber
                        + " is not postcode_prefix,imd_decile with a decile from 1 to 10");
            }
        }
        return deciles;
    }

    /** Upper case, single spaces: "ls6  2ab" and "LS6 2AB" are the same postcode. */
    static String normalise(String postcode) {
        return postcode.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    /** The decile of the postcode's area, if the table covers it: the full postcode, else its sector, else its district. */
    public OptionalInt decile(String postcode) {
        if (postcode == null || postcode.isBlank()) {
            return OptionalInt.empty();
        }
        String compact = normalise(postcode).replace(" ", "");
        java.util.List<String> candidates = new java.util.ArrayList<>();
        if (compact.length() >= 5) {
            String outward = compact.substring(0, compact.length() - 3);
            String inward = compact.substring(compact.length() - 3);
            candidates.add(outward + " " + inward);
            candidates.add(outward + " " + inward.charAt(0));
            candidates.add(outward);
        } else {
            candidates.add(compact);
        }
        for (String candidate : candidates) {
            Integer decile = deciles.get(candidate);
            if (decile != null) {
                return OptionalInt.of(decile);
            }
        }
        return OptionalInt.empty();
    }

    public String source() {
        return source;
    }

    public boolean demo() {
        return demo;
    }
}
