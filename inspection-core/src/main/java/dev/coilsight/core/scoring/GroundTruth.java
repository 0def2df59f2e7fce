package dev.coilsight.core.scoring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.KaggleCsvException;
import dev.coilsight.core.rle.RleFormatException;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.Runs;

/**
 * Ground-truth masks indexed by image and class, read the one way {@code evaluate} (through a Severstal data set's
 * {@code train.csv}) and {@code score} (its {@code --truth}) both read them, so that they score the same truth:
 * <ul>
 *   <li>a malformed row is a {@link #problems() problem}, said and left out, not a reason to refuse the whole file
 *       (a missing file, an unknown header or an I/O error still fail: nothing can be read);</li>
 *   <li>several rows for one (image, class) are one mask, the union of theirs ({@link #runs}), as annotators'
 *       exports sometimes split a class into rows; {@link #mergedPairs()} names them.</li>
 * </ul>
 * Predictions are not read this way: a submission with a malformed row or two masks for one pair is refused, as
 * Kaggle refuses it.
 */
public final class GroundTruth {

    /** The RLE of a truth row that does not fit the image; {@link #row()} says which row. */
    public static final class InvalidMask extends IllegalArgumentException {

        private final transient RleRow row;

        InvalidMask(RleRow row, RleFormatException cause) {
            super(cause.getMessage(), cause);
            this.row = row;
        }

        public RleRow row() {
            return row;
        }
    }

    private final String source;
    /** Image id to its rows in file order; images in the order of their first row. */
    private final Map<String, List<RleRow>> rowsByImage;
    private final List<String> problems;

    private GroundTruth(String source, Map<String, List<RleRow>> rowsByImage, List<String> problems) {
        this.source = source;
        this.rowsByImage = rowsByImage;
        this.problems = List.copyOf(problems);
    }

    /**
     * Reads a Kaggle CSV (either layout) as ground truth: malformed rows become {@link #problems()}.
     *
     * @throws KaggleCsvException when the file is missing or its header is neither layout's
     * @throws UncheckedIOException when it cannot be read
     */
    public static GroundTruth read(Path csv) {
        if (!Files.isRegularFile(csv)) {
            throw new KaggleCsvException(csv + ": " + (Files.exists(csv) ? "not a regular file" : "no such file"));
        }
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return read(reader, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e, e);
        }
    }

    /** As {@link #read(Path)}, from a reader; {@code source} names it in messages. */
    public static GroundTruth read(Reader input, String source) throws IOException {
        List<RleRow> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        KaggleCsv.forEachRow(input, source, rows::add, bad -> problems.add(bad.getMessage()));
        return new GroundTruth(source, index(rows), problems);
    }

    /** Ground truth from rows already read (none is refused; rows for one pair are merged as in a file). */
    public static GroundTruth of(Collection<RleRow> rows, String source) {
        return new GroundTruth(source, index(rows), List.of());
    }

    private static Map<String, List<RleRow>> index(Collection<RleRow> rows) {
        Map<String, List<RleRow>> byImage = new LinkedHashMap<>();
        for (RleRow row : rows) {
            byImage.computeIfAbsent(row.imageId(), k -> new ArrayList<>()).add(row);
        }
        return byImage;
    }

    /** What names the truth in messages (its file). */
    public String source() {
        return source;
    }

    /** Every image with at least one row, in the order of its first row. */
    public Set<String> imageIds() {
        return Collections.unmodifiableSet(rowsByImage.keySet());
    }

    /** The rows of one image in file order; empty for an image without rows (defect-free). */
    public List<RleRow> rows(String imageId) {
        return Collections.unmodifiableList(rowsByImage.getOrDefault(imageId, List.of()));
    }

    /** The rows of one image by class, each class's rows in file order. */
    public SortedMap<Integer, List<RleRow>> byClass(String imageId) {
        SortedMap<Integer, List<RleRow>> byClass = new TreeMap<>();
        for (RleRow row : rows(imageId)) {
            byClass.computeIfAbsent(row.classId(), k -> new ArrayList<>()).add(row);
        }
        return byClass;
    }

    /** The malformed rows (and, after {@link #limitedTo}, the rows of other classes), each "source: line N: why". */
    public List<String> problems() {
        return problems;
    }

    /** The (image, class) pairs with more than one row, whose masks {@link #runs} merges: "image class C (lines a, b)". */
    public List<String> mergedPairs() {
        List<String> merged = new ArrayList<>();
        for (String imageId : rowsByImage.keySet()) {
            byClass(imageId).forEach((classId, rows) -> {
                if (rows.size() > 1) {
                    merged.add(imageId + " class " + classId + " (lines "
                            + String.join(", ", rows.stream().map(r -> Long.toString(r.line())).toList()) + ")");
                }
            });
        }
        return merged;
    }

    /**
     * This truth without the rows of a class outside {@code 1..classes}, each said in {@link #problems()} and left out,
     * as a data set leaves out the rows of a class it does not know.
     */
    public GroundTruth limitedTo(int classes) {
        List<String> moreProblems = new ArrayList<>(problems);
        Map<String, List<RleRow>> kept = new LinkedHashMap<>();
        rowsByImage.forEach((imageId, rows) -> {
            for (RleRow row : rows) {
                if (row.classId() >= 1 && row.classId() <= classes) {
                    kept.computeIfAbsent(imageId, k -> new ArrayList<>()).add(row);
                } else {
                    moreProblems.add(source + ": line " + row.line() + ": class " + row.classId() + " is outside 1.." + classes);
                }
            }
        });
        return new GroundTruth(source, kept, moreProblems);
    }

    /**
     * The mask of (image, class) for an image of {@code height x width}: the union of the masks of all its rows, empty
     * when it has none.
     *
     * @throws InvalidMask naming the row whose RLE does not fit the image
     */
    public Runs runs(String imageId, int classId, int height, int width) {
        List<Runs> parts = new ArrayList<>();
        for (RleRow row : rows(imageId)) {
            if (row.classId() != classId) {
                continue;
            }
            try {
                parts.add(Runs.parse(row.rle(), height, width));
            } catch (RleFormatException e) {
                throw new InvalidMask(row, e);
            }
        }
        return union(parts, height, width);
    }

    /** The union of run lists of one mask size: overlapping and touching runs become one. */
    static Runs union(List<Runs> parts, int height, int width) {
        List<Runs> nonEmpty = parts.stream().filter(r -> !r.isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            return Runs.empty();
        }
        if (nonEmpty.size() == 1) {
            return nonEmpty.get(0);
        }
        int total = nonEmpty.stream().mapToInt(Runs::count).sum();
        long[][] intervals = new long[total][];
        int n = 0;
        for (Runs runs : nonEmpty) {
            for (int i = 0; i < runs.count(); i++) {
                intervals[n++] = new long[] {runs.start(i), (long) runs.start(i) + runs.length(i)}; // [start, end)
            }
        }
        Arrays.sort(intervals, (a, b) -> Long.compare(a[0], b[0]));
        StringBuilder rle = new StringBuilder();
        long start = intervals[0][0];
        long end = intervals[0][1];
        for (int i = 1; i < total; i++) {
            if (intervals[i][0] <= end) {
                end = Math.max(end, intervals[i][1]);
            } else {
                append(rle, start, end);
                start = intervals[i][0];
                end = intervals[i][1];
            }
        }
        append(rle, start, end);
        return Runs.parse(rle.toString(), height, width);
    }

    private static void append(StringBuilder rle, long start, long end) {
        if (!rle.isEmpty()) {
            rle.append(' ');
        }
        rle.append(start).append(' ').append(end - start);
    }
}
