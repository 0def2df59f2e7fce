package dev.coilsight.core.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleFormatException;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;

/**
 * The Kaggle Severstal layout: {@code train.csv} in either Kaggle CSV layout and {@code train_images/}.
 * Every image in the folder is used; one without rows is defect-free. The classes are Severstal's four, or those an
 * optional {@code classes.txt} names (as reviews of another line export them). Only the RLE strings are held
 * in memory (labels, not pixels); masks are decoded per image.
 */
final class SeverstalDataset extends ImageFolderDataset {

    static final String LABELS = "train.csv";
    static final String IMAGES = "train_images";
    private static final int SEVERSTAL_CLASSES = 4;

    private final SortedMap<Integer, String> classNames;
    private final Map<String, List<RleRow>> rowsByImage;
    private final List<String> problems;

    private SeverstalDataset(Path root, List<String> imageIds, SortedMap<Integer, String> classNames, Map<String, List<RleRow>> rowsByImage,
                             List<String> problems) {
        super(root, DatasetLayout.SEVERSTAL, IMAGES, imageIds);
        this.classNames = Collections.unmodifiableSortedMap(classNames);
        this.rowsByImage = rowsByImage;
        this.problems = Collections.unmodifiableList(problems);
    }

    static SeverstalDataset open(Path root, Optional<Path> split) {
        List<String> all = Datasets.files(root.resolve(IMAGES)).stream().map(p -> p.getFileName().toString()).toList();
        List<String> problems = new ArrayList<>();
        Map<String, List<RleRow>> rows = new HashMap<>();
        Path csv = root.resolve(LABELS);
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            KaggleCsv.forEachRow(reader, csv.toString(), row -> rows.computeIfAbsent(row.imageId(), k -> new ArrayList<>()).add(row),
                    bad -> problems.add(bad.getMessage()));
        } catch (IOException e) {
            throw new DatasetException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        SortedMap<Integer, String> classNames = ClassNamesFile.read(root).orElseGet(SeverstalDataset::severstalClasses);
        java.util.Set<String> present = new java.util.HashSet<>(all);
        for (var entry : rows.entrySet()) {
            if (!present.contains(entry.getKey())) {
                problems.add(csv + ": line " + entry.getValue().get(0).line() + ": image " + entry.getKey()
                        + " is not in " + IMAGES + "/");
            }
            for (RleRow row : entry.getValue()) {
                if (!classNames.containsKey(row.classId())) {
                    problems.add(csv + ": line " + row.line() + ": class " + row.classId() + " is not among the classes "
                            + classNames.keySet() + (Files.exists(root.resolve(ClassNamesFile.NAME)) ? " of " + ClassNamesFile.NAME : ""));
                }
            }
        }
        List<String> selected = split.map(list -> SplitList.select(list, all)).orElse(all);
        return new SeverstalDataset(root, selected, classNames, rows, problems);
    }

    private static SortedMap<Integer, String> severstalClasses() {
        SortedMap<Integer, String> names = new TreeMap<>();
        for (int c = 1; c <= SEVERSTAL_CLASSES; c++) {
            names.put(c, "class " + c);
        }
        return names;
    }

    @Override
    public SortedMap<Integer, String> classNames() {
        return classNames;
    }

    @Override
    public Map<Integer, BinaryMask> masks(String imageId, int height, int width) {
        Map<Integer, BinaryMask> masks = new TreeMap<>();
        for (RleRow row : rowsByImage.getOrDefault(imageId, List.of())) {
            if (!classNames.containsKey(row.classId())) {
                continue; // reported as a label problem when opening
            }
            try {
                BinaryMask mask = RunLengthEncoding.decode(row.rle(), height, width);
                if (!mask.isEmpty()) {
                    masks.merge(row.classId(), mask, SeverstalDataset::union);
                }
            } catch (RleFormatException e) {
                throw new DatasetException(root().resolve(LABELS) + ": line " + row.line() + " (" + imageId + ", class "
                        + row.classId() + "): " + e.getMessage(), e);
            }
        }
        return masks;
    }

    private static BinaryMask union(BinaryMask a, BinaryMask b) {
        byte[] pa = a.columnMajor();
        byte[] pb = b.columnMajor();
        for (int i = 0; i < pa.length; i++) {
            pa[i] |= pb[i];
        }
        return a;
    }

    @Override
    public List<String> labelProblems() {
        return problems;
    }
}
