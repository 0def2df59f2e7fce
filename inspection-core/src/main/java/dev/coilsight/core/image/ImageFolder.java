package dev.coilsight.core.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of a folder, in name order (the order every command reports them in): the one listing rule that
 * {@code predict}, {@code score} and {@code evaluate} share, so that they see the same images.
 * <ul>
 *   <li>Hidden files (a name starting with '.', such as {@code .DS_Store} or an editor's {@code .x.png}) are not
 *       files of the folder at all: left out without a word, whatever they hold.</li>
 *   <li>Of the other regular files, those that are PNG or JPEG by content (the header alone is read) are the images;
 *       the rest are skipped, each with the reason, for the command to name. A file that cannot be read at all
 *       (permissions, an I/O error) is skipped too, and listed as unreadable besides: it may be an image.</li>
 * </ul>
 */
public final class ImageFolder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    private ImageFolder() {
    }

    /**
     * What {@link #images} made of a folder's files.
     *
     * @param images     image file name to its header, in the order of the files given (name order for a folder)
     * @param skipped    "name: reason" for every file that is not an image of the set, the unreadable ones included
     * @param unreadable "name: reason" for the skipped files that could not be read at all
     */
    public record Listing(Map<String, ImageHeader> images, List<String> skipped, List<String> unreadable) {
        public Listing {
            images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
            skipped = List.copyOf(skipped);
            unreadable = List.copyOf(unreadable);
        }

        /** The image file names, in order. */
        public List<String> names() {
            return List.copyOf(images.keySet());
        }

        /** The skipped files that could be read but are not PNG or JPEG images, with the reason. */
        public List<String> notImages() {
            return skipped.stream().filter(s -> !unreadable.contains(s)).toList();
        }
    }

    /** Whether {@code file} is hidden by the listing rule: its name starts with '.'. */
    public static boolean hidden(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /**
     * The regular files directly in {@code dir} that are not {@link #hidden}, sorted by name; which of them are images
     * is for {@link #images(List)} (or the decoder) to say.
     */
    public static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder " + dir + " does not exist");
        }
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.filter(Files::isRegularFile).filter(file -> !hidden(file)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("image folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The images of {@code dir}: {@link #images(List)} of its {@link #files}. */
    public static Listing images(Path dir) {
        return images(files(dir));
    }

    /**
     * Sorts {@code files} into images (PNG or JPEG by content, within the default {@link ImageLimits}; only the header
     * is read) and skipped files, keeping their order. Hidden files among them are left out as {@link #files} leaves
     * them out.
     */
    public static Listing images(List<Path> files) {
        ImageDecoder decoder = new ImageDecoder();
        Map<String, ImageHeader> images = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            if (hidden(file)) {
                continue;
            }
            String name = file.getFileName().toString();
            try {
                images.put(name, decoder.readHeader(file));
            } catch (ImageRejectedException e) {
                // Not silently: the command names every skipped file.
                LOG.debug("not an image of the set: {}: {}", file, e.getMessage());
                skipped.add(name + ": " + e.getMessage());
            } catch (UncheckedIOException e) {
                // No permission, or an I/O error: one file, perhaps an image, must not stop the whole folder.
                LOG.debug("cannot read {}: {}", file, e.getMessage());
                String reason = name + ": " + e.getMessage();
                skipped.add(reason);
                unreadable.add(reason);
            }
        }
        return new Listing(images, skipped, unreadable);
    }
}
