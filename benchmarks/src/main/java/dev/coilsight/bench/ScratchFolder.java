package dev.coilsight.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder for what a bench starts (broker, registry), deleted with all it holds when closed, and when the JVM
 * exits before that (Ctrl-C mid-run), so that an interrupted bench leaves no gigabytes of broker log behind.
 */
public final class ScratchFolder implements AutoCloseable {

    private final Path path;
    private final Thread deleteAtExit;

    private ScratchFolder(Path path) {
        this.path = path;
        this.deleteAtExit = new Thread(this::delete, "scratch-cleanup");
        Runtime.getRuntime().addShutdownHook(deleteAtExit);
    }

    public static ScratchFolder create(String prefix) throws IOException {
        return new ScratchFolder(Files.createTempDirectory(prefix));
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(deleteAtExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        try {
            delete();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void delete() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
