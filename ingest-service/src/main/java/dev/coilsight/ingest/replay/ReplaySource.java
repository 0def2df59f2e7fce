package dev.coilsight.ingest.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images of a dataset to replay: {@code train_images/} of a Severstal folder, {@code images/} of a
 * mask folder or of a stream folder, or the image files of a plain folder; in name order.
 */
public final class ReplaySource {

    private ReplaySource() {
    }

    public static List<Path> images(Path dataset) {
        if (!Files.isDirectory(dataset)) {
            throw new IllegalArgumentException("dataset folder " + dataset + " does not exist");
        }
        Path folder = dataset;
        for (String candidate : List.of("train_images", "images")) {
            if (Files.isDirectory(dataset.resolve(candidate))) {
                folder = dataset.resolve(candidate);
                break;
            }
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> images = files.filter(Files::isRegularFile)
                    .filter(ReplaySource::isImageFile)
                    .sorted()
                    .toList();
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no .jpg/.jpeg/.png images in " + folder);
            }
            return images;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Whether a file is replayed: a .jpg, .jpeg or .png by name (its content is checked when it is sent). */
    public static boolean isImageFile(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(jpe?g|png)$");
    }
}
