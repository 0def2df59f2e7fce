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
                    .filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(jpe?g|png)$"))
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
}
