package dev.coilsight.trainer.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.mask.ConnectedComponents;
import dev.coilsight.core.rle.BinaryMask;

/**
 * Everything the exploration report shows, gathered in one pass over the images. Memory grows with
 * the number of (image, class) masks (a few numbers each), never with pixels: defect locations are
 * accumulated on a fixed grid over normalised image coordinates.
 */
final class DatasetStatistics {

    /** Columns of the location grid; rows follow the first image's aspect ratio. */
    static final int GRID_COLUMNS = 100;

    /** Figures of one defect class. */
    static final class ClassFigures {
        long images;
        long pixels;
        final List<Double> areaPixels = new ArrayList<>();
        final List<Double> areaFractions = new ArrayList<>();
        final List<Integer> components = new ArrayList<>();
        final List<Double> brightness = new ArrayList<>();
        final List<Double> contrast = new ArrayList<>();
        double[][] density;
    }

    final SortedMap<Integer, String> classNames;
    final SortedMap<Integer, ClassFigures> classes = new TreeMap<>();
    final long[] defectsPerImage = new long[4]; // 0, 1, 2, 3+ classes present
    final SortedMap<Integer, SortedMap<Integer, Long>> cooccurrence = new TreeMap<>();
    final List<Double> defectFreeBrightness = new ArrayList<>();
    final List<Double> defectFreeContrast = new ArrayList<>();
    final List<String> unreadableImages = new ArrayList<>();
    final List<String> invalidLabels = new ArrayList<>();
    long imagesListed;
    long imagesRead;
    long defectFreeImages;
    int gridRows;

    DatasetStatistics(SortedMap<Integer, String> classNames, long imagesListed) {
        this.classNames = new TreeMap<>(classNames);
        this.imagesListed = imagesListed;
        classNames.keySet().forEach(this::figures);
    }

    ClassFigures figures(int classId) {
        classNames.putIfAbsent(classId, "class " + classId);
        return classes.computeIfAbsent(classId, c -> new ClassFigures());
    }

    /** Adds one readable image (grayscale) and its masks. */
    void add(DecodedImage gray, Map<Integer, BinaryMask> masks) {
        imagesRead++;
        double[] meanAndStd = meanAndStd(gray.pixels());
        defectsPerImage[Math.min(3, masks.size())]++;
        if (masks.isEmpty()) {
            defectFreeImages++;
            defectFreeBrightness.add(meanAndStd[0]);
            defectFreeContrast.add(meanAndStd[1]);
            return;
        }
        if (gridRows == 0) {
            gridRows = Math.max(4, (int) Math.round(GRID_COLUMNS * (double) gray.height() / gray.width()));
        }
        long imagePixels = (long) gray.width() * gray.height();
        for (var entry : masks.entrySet()) {
            ClassFigures f = figures(entry.getKey());
            BinaryMask mask = entry.getValue();
            long pixels = mask.pixelCount();
            f.images++;
            f.pixels += pixels;
            f.areaPixels.add((double) pixels);
            f.areaFractions.add((double) pixels / imagePixels);
            f.components.add(ConnectedComponents.of(mask).size());
            f.brightness.add(meanAndStd[0]);
            f.contrast.add(meanAndStd[1]);
            accumulateDensity(f, mask);
            for (int other : masks.keySet()) {
                cooccurrence.computeIfAbsent(entry.getKey(), k -> new TreeMap<>()).merge(other, 1L, Long::sum);
            }
        }
    }

    /** Adds each mask pixel to the grid cell its normalised position falls in, as a share of the cell. */
    private void accumulateDensity(ClassFigures f, BinaryMask mask) {
        if (f.density == null) {
            f.density = new double[gridRows][GRID_COLUMNS];
        }
        int height = mask.height();
        int width = mask.width();
        double cellPixels = ((double) height / gridRows) * ((double) width / GRID_COLUMNS);
        byte[] pixels = mask.columnMajor();
        for (int col = 0; col < width; col++) {
            int gridCol = (int) ((long) col * GRID_COLUMNS / width);
            int base = col * height;
            for (int row = 0; row < height; row++) {
                if (pixels[base + row] != 0) {
                    f.density[(int) ((long) row * gridRows / height)][gridCol] += 1.0 / cellPixels;
                }
            }
        }
    }

    static double[] meanAndStd(byte[] pixels) {
        double sum = 0;
        double sumSquares = 0;
        for (byte b : pixels) {
            int v = b & 0xff;
            sum += v;
            sumSquares += (double) v * v;
        }
        double mean = sum / pixels.length;
        return new double[] {mean, Math.sqrt(Math.max(0, sumSquares / pixels.length - mean * mean))};
    }
}
