package dev.coilsight.core.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The files of a folder of images, in name order (the order every command reports them in). */
public final class ImageFolder {

    private ImageFolder() {
    }

    /** The regular files directly in {@code dir}, sorted by name; which of them are images is for the decoder to say. */
    public static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder " + dir + " does not exist");
        }
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("image folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }
}
