package dev.coilsight.core.rle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes Kaggle Severstal CSVs in both layouts:
 * <ul>
 *   <li>{@link Layout#IMAGE_CLASS}: header {@code ImageId,ClassId,EncodedPixels}, one row per (image, class) with a defect;</li>
 *   <li>{@link Layout#IMAGE_UNDERSCORE_CLASS}: header {@code ImageId_ClassId,EncodedPixels}, four rows per image,
 *       empty EncodedPixels where the class is absent.</li>
 * </ul>
 * Reading detects the layout from the header, streams rows (the full Kaggle set has 50,272 old-style
 * rows) and skips empty masks: an image without rows is defect-free.
 */
public final class KaggleCsv {

    /** The two CSV layouts of the competition. */
    public enum Layout {
        IMAGE_CLASS("ImageId,ClassId,EncodedPixels"),
        IMAGE_UNDERSCORE_CLASS("ImageId_ClassId,EncodedPixels");

        private final String header;

        Layout(String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(KaggleCsv.class);

    private KaggleCsv() {
    }

    /** All rows with a non-empty mask. */
    public static List<RleRow> readAll(Path file) {
        List<RleRow> rows = new ArrayList<>();
        forEachRow(file, rows::add);
        return rows;
    }

    /** Streams the rows with a non-empty mask of a file, in file order. */
    public static Layout forEachRow(Path file, Consumer<RleRow> sink) {
        if (!Files.isRegularFile(file)) {
            throw new KaggleCsvException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Layout layout = forEachRow(reader, file.toString(), sink);
            LOG.debug("read {} ({} layout)", file, layout);
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /** Streams the rows with a non-empty mask; {@code source} names the input in error messages. */
    public static Layout forEachRow(Reader input, String source, Consumer<RleRow> sink) throws IOException {
        return forEachRow(input, source, sink, e -> {
            throw e;
        });
    }

    /**
     * Streams the rows with a non-empty mask, handing each malformed row to {@code onBadRow} and going
     * on (a bad header still fails: nothing after it can be read).
     */
    public static Layout forEachRow(Reader input, String source, Consumer<RleRow> sink,
                                    Consumer<KaggleCsvException> onBadRow) throws IOException {
        BufferedReader reader = input instanceof BufferedReader b ? b : new BufferedReader(input);
        String header = reader.readLine();
        if (header == null) {
            throw new KaggleCsvException(source + ": empty file, expected a header " + Layout.IMAGE_CLASS.header()
                    + " or " + Layout.IMAGE_UNDERSCORE_CLASS.header());
        }
        Layout layout = layoutOf(stripBom(header).replace(" ", "").replace("\"", ""), source);
        long lineNumber = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            RleRow row;
            try {
                row = layout == Layout.IMAGE_CLASS ? parseImageClass(line, source, lineNumber)
                        : parseImageUnderscoreClass(line, source, lineNumber);
            } catch (KaggleCsvException e) {
                onBadRow.accept(e);
                continue;
            }
            if (!row.rle().isEmpty()) {
                sink.accept(row);
            }
        }
        return layout;
    }

    private static Layout layoutOf(String header, String source) {
        for (Layout layout : Layout.values()) {
            if (layout.header().equalsIgnoreCase(header)) {
                return layout;
            }
        }
        throw new KaggleCsvException(source + ": line 1: unknown header '" + header + "', expected "
                + Layout.IMAGE_CLASS.header() + " or " + Layout.IMAGE_UNDERSCORE_CLASS.header());
    }

    private static RleRow parseImageClass(String line, String source, long lineNumber) {
        String[] cells = cells(line, 3, source, lineNumber, Layout.IMAGE_CLASS);
        return new RleRow(imageId(cells[0], source, lineNumber), classId(cells[1], source, lineNumber), cells[2], lineNumber);
    }

    private static RleRow parseImageUnderscoreClass(String line, String source, long lineNumber) {
        String[] cells = cells(line, 2, source, lineNumber, Layout.IMAGE_UNDERSCORE_CLASS);
        int underscore = cells[0].lastIndexOf('_');
        if (underscore <= 0) {
            throw new KaggleCsvException(source + ": line " + lineNumber + ": '" + cells[0]
                    + "' is not ImageId_ClassId (e.g. 0002cc93b.jpg_1)");
        }
        return new RleRow(imageId(cells[0].substring(0, underscore), source, lineNumber),
                classId(cells[0].substring(underscore + 1), source, lineNumber), cells[1], lineNumber);
    }

    private static String[] cells(String line, int expected, String source, long lineNumber, Layout layout) {
        String[] cells = line.split(",", -1);
        if (cells.length != expected) {
            throw new KaggleCsvException(source + ": line " + lineNumber + ": " + cells.length + " columns, expected "
                    + expected + " (" + layout.header() + ")");
        }
        for (int i = 0; i < cells.length; i++) {
            cells[i] = unquote(cells[i].trim());
        }
        return cells;
    }

    private static String imageId(String raw, String source, long lineNumber) {
        if (raw.isEmpty()) {
            throw new KaggleCsvException(source + ": line " + lineNumber + ": empty ImageId");
        }
        return raw;
    }

    private static int classId(String raw, String source, long lineNumber) {
        try {
            int classId = Integer.parseInt(raw);
            if (classId < 1) {
                throw new NumberFormatException();
            }
            return classId;
        } catch (NumberFormatException e) {
            throw new KaggleCsvException(source + ": line " + lineNumber + ": ClassId '" + raw
                    + "' is not a class number (1, 2, ...)");
        }
    }

    private static String unquote(String cell) {
        return cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"") ? cell.substring(1, cell.length() - 1) : cell;
    }

    private static String stripBom(String header) {
        return header.startsWith("\uFEFF") ? header.substring(1) : header;
    }

    /**
     * Why {@code imageId} would not read back as written, in either layout, or empty when it would: the reader splits a
     * row at commas and lines at line breaks, trims every cell and strips the quotes around it.
     */
    public static Optional<String> imageIdProblem(String imageId) {
        if (imageId.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (imageId.indexOf(',') >= 0 || imageId.indexOf('\n') >= 0 || imageId.indexOf('\r') >= 0) {
            return Optional.of("it holds a comma or a line break");
        }
        if (!imageId.equals(imageId.trim())) {
            return Optional.of("it starts or ends with whitespace, which the reader trims");
        }
        if (imageId.indexOf('"') >= 0) {
            return Optional.of("it holds a quote, which CSV readers take as quoting");
        }
        return Optional.empty();
    }

    private static void requireReadableImageId(String imageId) {
        imageIdProblem(imageId).ifPresent(problem -> {
            throw new IllegalArgumentException("the image id '" + imageId + "' cannot be written: " + problem);
        });
    }

    /**
     * Writes rows in the {@code ImageId,ClassId,EncodedPixels} layout (empty masks left out).
     *
     * @throws IllegalArgumentException when an image id would not read back as written ({@link #imageIdProblem}) or
     *     an RLE holds a comma or a line break
     */
    public static void writeImageClass(Writer out, Collection<RleRow> rows) throws IOException {
        out.write(Layout.IMAGE_CLASS.header());
        out.write('\n');
        for (RleRow row : rows) {
            if (row.rle() != null && !row.rle().isEmpty()) {
                requireReadableImageId(row.imageId());
                requireOneCell(row.rle(), "RLE of image " + row.imageId() + ", class " + row.classId());
                out.write(row.imageId());
                out.write(',');
                out.write(Integer.toString(row.classId()));
                out.write(',');
                out.write(row.rle());
                out.write('\n');
            }
        }
    }

    private static void requireOneCell(String value, String what) {
        if (value.indexOf(',') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the " + what + " holds a comma or a line break and cannot be written as one CSV cell");
        }
    }

    /**
     * Writes the {@code ImageId_ClassId,EncodedPixels} layout: {@code classes} rows for every image of
     * {@code imageIds}, in that order, with an empty mask where a class has no row.
     *
     * @throws IllegalArgumentException when an image id would not read back as written ({@link #imageIdProblem}), or a
     *     row names an image outside the list, a class outside 1..classes, or the same (image, class) twice: such rows
     *     could not be written faithfully
     */
    public static void writeImageUnderscoreClass(Writer out, List<String> imageIds, Collection<RleRow> rows, int classes)
            throws IOException {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        imageIds.forEach(KaggleCsv::requireReadableImageId);
        Set<String> images = new HashSet<>(imageIds);
        Map<String, String> byKey = new HashMap<>();
        for (RleRow row : rows) {
            if (row.rle() != null) {
                requireOneCell(row.rle(), "RLE of image " + row.imageId() + ", class " + row.classId());
            }
            if (!images.contains(row.imageId())) {
                throw new IllegalArgumentException("row for image " + row.imageId() + " class " + row.classId()
                        + " names an image outside the " + imageIds.size() + " images to write");
            }
            if (row.classId() < 1 || row.classId() > classes) {
                throw new IllegalArgumentException("row for image " + row.imageId() + " has class " + row.classId()
                        + ", outside 1.." + classes);
            }
            String previous = byKey.put(row.imageId() + "_" + row.classId(), row.rle() == null ? "" : row.rle());
            if (previous != null) {
                throw new IllegalArgumentException("two rows for image " + row.imageId() + " class " + row.classId());
            }
        }
        out.write(Layout.IMAGE_UNDERSCORE_CLASS.header());
        out.write('\n');
        for (String imageId : imageIds) {
            for (int classId = 1; classId <= classes; classId++) {
                String key = imageId + "_" + classId;
                out.write(key);
                out.write(',');
                out.write(byKey.getOrDefault(key, ""));
                out.write('\n');
            }
        }
    }
}
