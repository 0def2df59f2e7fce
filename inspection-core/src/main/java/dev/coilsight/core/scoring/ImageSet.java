package dev.coilsight.core.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageFolder;
import dev.coilsight.core.image.ImageHeader;
import dev.coilsight.core.image.ImageRejectedException;

/** The images a score is computed over, with the size of each (the RLE pixel numbering depends on it). */
public final class ImageSet {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSet.class);

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
     * Every regular file in the folder that is a PNG or JPEG by content; sizes from the headers (nothing is decoded).
     * Other files, and files that cannot be read, are skipped with the reason.
     */
    public static ImageSet fromDirectory(Path dir) {
        ImageDecoder decoder = new ImageDecoder();
        Map<String, Size> sizes = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : ImageFolder.files(dir)) {
            try {
                ImageHeader header = decoder.readHeader(file);
                sizes.put(file.getFileName().toString(), new Size(header.height(), header.width()));
            } catch (ImageRejectedException e) {
                // Not silently: the command reports every skipped file.
                LOG.debug("not scoring {}: {}", file, e.getMessage());
                skipped.add(file.getFileName() + ": " + e.getMessage());
            } catch (UncheckedIOException e) {
                // No permission, or an I/O error: one file, perhaps an image, must not stop the whole folder.
                LOG.debug("cannot read {}: {}", file, e.getMessage());
                String reason = file.getFileName() + ": " + e.getMessage();
                skipped.add(reason);
                unreadable.add(reason);
            }
        }
        return new ImageSet(sizes, skipped, unreadable);
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
