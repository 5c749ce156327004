package org.spgateway.conformance.reliability;

import org.junit.jupiter.api.Assumptions;

/**
 * Faults that need root: mounting a small file system to fill up. CI runs as root; a developer's run without root
 * skips such a test saying so, and a CI run ({@code CI=true}) without root fails instead.
 */
final class Root {

    private Root() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || uid() == 0;
    }

    private static long uid() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (Exception unknown) {
            return -1;
        }
    }

    /** Skips the calling test without root (fails under CI). */
    static void require(String why) {
        if (isRoot()) {
            return;
        }
        if (ReliabilityDatabase.ci()) {
            throw new IllegalStateException("CI=true but not root: " + why + " needs root");
        }
        Assumptions.abort("[spgateway] SKIPPED: " + why + " needs root (mount); CI runs it as root");
    }

    /** Runs a command to completion, failing with its output if it fails. */
    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Deletes a directory the test made, with everything in it. */
    static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        if (dir == null || !java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
