package org.spgateway.conformance.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small file system of its own (tmpfs, so nothing on the machine's real disk fills up) that a test fills to the
 * last byte and frees again. Needs root to mount ({@link Root}).
 */
final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler.bin");
    }

    static SmallDisk mount(Path mountPoint, int megabytes, String owner) throws Exception {
        Files.createDirectories(mountPoint);
        Root.run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", mountPoint.toString());
        if (owner != null) {
            Root.run("chown", owner, mountPoint.toString());
        }
        return new SmallDisk(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Writes a file until the file system is full; returns the bytes written. */
    long fill() throws IOException {
        long written = 0;
        byte[] block = new byte[256 * 1024];
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        // the last partial block: fill the remaining bytes too
        byte[] small = new byte[512];
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(small);
                out.flush();
                written += small.length;
            }
        } catch (IOException full) {
            // full to the last sector
        }
        return written;
    }

    long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Gives the space back. */
    void release() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws Exception {
        release();
        Root.run("umount", "-l", mountPoint.toString());
    }
}
