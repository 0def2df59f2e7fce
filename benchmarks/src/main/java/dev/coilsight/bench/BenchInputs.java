package dev.coilsight.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;


/**
 * Where the benchmarks find their inputs when not told: the committed default models under the
 * project's {@code models/} and the Severstal stream images in {@code ../shared/data}. The launcher
 * runs from any folder, so the project root is found from this jar's place (benchmarks/target/),
 * else by walking up from the working folder.
 */
public final class BenchInputs {

    private BenchInputs() {
    }

    /** The project root: the folder holding {@code models/} and {@code benchmarks/}. */
    public static Path projectRoot() {
        try {
            Path code = Path.of(BenchInputs.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path dir = code; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("models")) && Files.isDirectory(dir.resolve("benchmarks"))) {
                    return dir;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working folder
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models"))) {
                return dir;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    /** A committed default model, e.g. {@code severstal-classifier}. */
    public static Path defaultModel(String name) {
        return projectRoot().resolve("models").resolve(name);
    }

    /** The shared data root: {@code -Dcoilsight.shared.data}, else {@code shared/data} above the working folder or the project. */
    public static Path sharedData() {
        String configured = System.getProperty("coilsight.shared.data");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return projectRoot().resolveSibling("shared").resolve("data");
    }

    public static Path defaultStreamImages() {
        return sharedData().resolve("severstal-stream");
    }

    /**
     * The JPEG/PNG files of a folder (or of its {@code images/} or {@code train_images/}), in name order, the first
     * {@code count} of them (0 = all).
     */
    /** The bytes of an image file; a file that cannot be read is an {@link UncheckedIOException} naming it. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static List<Path> images(Path folder, int count) {
        Path dir = folder;
        for (String candidate : List.of("images", "train_images")) {
            if (Files.isDirectory(folder.resolve(candidate))) {
                dir = folder.resolve(candidate);
                break;
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder " + folder + " does not exist (the default is ../shared/data/severstal-stream)");
        }
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> files = list.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)"))
                    .sorted().limit(count > 0 ? count : Long.MAX_VALUE).toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no .jpg/.jpeg/.png images in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
