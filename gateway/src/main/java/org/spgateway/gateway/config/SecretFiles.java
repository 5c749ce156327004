package org.spgateway.gateway.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secrets the embedded default generates once into its data directory (signing keys, demo passwords): written
 * readable by the owner only, from the moment the file exists.
 */
public final class SecretFiles {

    private SecretFiles() {
    }

    /** Writes {@code content} to {@code file}, replacing it, with owner-only permissions where the file system has them. */
    public static void write(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException raced) {
            // another process wrote it between the delete and the create: overwrite below
        }
        Files.writeString(file, content);
    }
}
