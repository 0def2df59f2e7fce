package dev.coilsight.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Files for tests: a folder copied whole (a model directory a test changes without touching the committed one), a file that
 * cannot be read.
 */
public final class TestFiles {

    private TestFiles() {
    }

    /** Copies {@code from} and everything below it to {@code to}; returns {@code to}. */
    public static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }

    /**
     * A regular file at {@code file} whose reading fails: mode 000, or, for a user who reads any file (root, as in CI), a
     * link to {@code /proc/self/mem}, a regular file whose first page is never mapped (every read at its start is EIO).
     */
    public static Path unreadable(Path file) throws IOException {
        Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.util.Set.of());
            if (!Files.isReadable(file)) {
                return file;
            }
        }
        Files.delete(file);
        Path mem = Path.of("/proc/self/mem");
        if (!Files.isRegularFile(mem)) {
            throw new IllegalStateException("no way to make an unreadable file here: a readable mode 000 and no " + mem);
        }
        return Files.createSymbolicLink(file, mem);
    }
}
