package dev.coilsight.core.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.core.scoring.GroundTruth;

/**
 * The Kaggle Severstal layout: {@code train.csv} in either Kaggle CSV layout and {@code train_images/}.
 * Every image in the folder is used; one without rows is defect-free. The classes are Severstal's four, or those an
 * optional {@code classes.txt} names (as reviews of another line export them). Only the RLE strings are held
 * in memory (labels, not pixels); masks are decoded per image. {@code train.csv} is read as {@link GroundTruth}, as
 * {@code ./coilsight score} reads its truth: malformed rows are label problems, several rows of one (image, class)
 * are one mask, their union.
 */
final class SeverstalDataset extends ImageFolderDataset {

    static final String LABELS = "train.csv";
    static final String IMAGES = "train_images";
    private static final int SEVERSTAL_CLASSES = 4;

    private final SortedMap<Integer, String> classNames;
    private final GroundTruth truth;
    private final List<String> problems;

    private SeverstalDataset(Path root, List<String> imageIds, SortedMap<Integer, String> classNames, GroundTruth truth,
                             List<String> problems) {
        super(root, DatasetLayout.SEVERSTAL, IMAGES, imageIds);
        this.classNames = Collections.unmodifiableSortedMap(classNames);
        this.truth = truth;
        this.problems = Collections.unmodifiableList(problems);
    }

    static SeverstalDataset open(Path root, Optional<Path> split) {
        List<String> all = Datasets.files(root.resolve(IMAGES)).stream().map(p -> p.getFileName().toString()).toList();
        Path csv = root.resolve(LABELS);
        GroundTruth truth;
        // Read as ./coilsight score reads its --truth: malformed rows are problems, rows of one (image, class) one mask.
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            truth = GroundTruth.read(reader, csv.toString());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>(truth.problems());
        SortedMap<Integer, String> classNames = ClassNamesFile.read(root).orElseGet(SeverstalDataset::severstalClasses);
        Set<String> present = new HashSet<>(all);
        for (String imageId : truth.imageIds()) {
            List<RleRow> rows = truth.rows(imageId);
            if (!present.contains(imageId)) {
                problems.add(csv + ": line " + rows.get(0).line() + ": image " + imageId + " is not in " + IMAGES + "/");
            }
            for (RleRow row : rows) {
                if (!classNames.containsKey(row.classId())) {
                    problems.add(csv + ": line " + row.line() + ": class " + row.classId() + " is not among the classes "
                            + classNames.keySet() + (Files.exists(root.resolve(ClassNamesFile.NAME)) ? " of " + ClassNamesFile.NAME : ""));
                }
            }
        }
        List<String> selected = split.map(list -> SplitList.select(list, all)).orElse(all);
        return new SeverstalDataset(root, selected, classNames, truth, problems);
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

    /** Every known class's mask: the union of its rows, as {@link GroundTruth#runs} gives it to score too. */
    @Override
    public Map<Integer, BinaryMask> masks(String imageId, int height, int width) {
        Map<Integer, BinaryMask> masks = new TreeMap<>();
        for (int classId : truth.byClass(imageId).keySet()) {
            if (!classNames.containsKey(classId)) {
                continue; // reported as a label problem when opening
            }
            Runs runs;
            try {
                runs = truth.runs(imageId, classId, height, width);
            } catch (GroundTruth.InvalidMask e) {
                throw new DatasetException(root().resolve(LABELS) + ": line " + e.row().line() + " (" + imageId + ", class "
                        + classId + "): " + e.getMessage(), e);
            }
            if (!runs.isEmpty()) {
                masks.put(classId, RunLengthEncoding.expand(runs, height, width));
            }
        }
        return masks;
    }

    @Override
    public List<String> labelProblems() {
        return problems;
    }
}
