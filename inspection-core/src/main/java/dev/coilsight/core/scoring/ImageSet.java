package dev.coilsight.core.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.core.image.ImageFolder;

/** The images a score is computed over, with the size of each (the RLE pixel numbering depends on it). */
public final class ImageSet {

    /** Height and width of one image, in pixels. */
    public record Size(int height, int width) {
        public Size {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width + " (HxW)");
            }
        }

        public long pixels() {
            return (long) height * width;
        }
    }

    private final Map<String, Size> sizes;
    private final List<String> skippedFiles;
    private final List<String> unreadableFiles;

    private ImageSet(Map<String, Size> sizes, List<String> skippedFiles, List<String> unreadableFiles) {
        this.sizes = Collections.unmodifiableMap(sizes);
        this.skippedFiles = List.copyOf(skippedFiles);
        this.unreadableFiles = List.copyOf(unreadableFiles);
    }

    /**
     * The images of the folder as {@link ImageFolder#images(Path)} lists them for every command (hidden files left out,
     * PNG or JPEG by content); sizes from the headers (nothing is decoded). Other files, and files that cannot be read,
     * are skipped with the reason.
     */
    public static ImageSet fromDirectory(Path dir) {
        ImageFolder.Listing listing = ImageFolder.images(dir);
        Map<String, Size> sizes = new LinkedHashMap<>();
        listing.images().forEach((name, header) -> sizes.put(name, new Size(header.height(), header.width())));
        return new ImageSet(sizes, listing.skipped(), listing.unreadable());
    }

    /** Image ids from a list file (one per line, blank lines and # comments ignored), all of one size. */
    public static ImageSet fromList(Path listFile, Size size) {
        if (!Files.isRegularFile(listFile)) {
            throw new IllegalArgumentException("image list " + listFile + " does not exist");
        }
        Map<String, Size> sizes = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(listFile)) {
                String id = line.strip();
                if (!id.isEmpty() && !id.startsWith("#")) {
                    sizes.put(id, size);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image list " + listFile + ": " + e, e);
        }
        return new ImageSet(sizes, List.of(), List.of());
    }

    public static ImageSet of(Map<String, Size> sizes) {
        return new ImageSet(new LinkedHashMap<>(sizes), List.of(), List.of());
    }

    public Map<String, Size> sizes() {
        return sizes;
    }

    /** Files in the folder that were not images or could not be read, with the reason. */
    public List<String> skippedFiles() {
        return skippedFiles;
    }

    /** The skipped files that could not be read at all (permissions, I/O errors), with the reason: they may be images. */
    public List<String> unreadableFiles() {
        return unreadableFiles;
    }

    public int size() {
        return sizes.size();
    }
}
