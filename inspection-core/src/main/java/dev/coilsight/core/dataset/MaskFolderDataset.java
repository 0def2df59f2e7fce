package dev.coilsight.core.dataset;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import dev.coilsight.core.rle.BinaryMask;

/**
 * The mask-folder layout: {@code images/<id>.<ext>} and {@code masks/<id>.png}, a label image whose
 * pixel values (grey of any bit depth, or palette indices) are class ids (0 = background). Optional {@code classes.txt} names the
 * classes, one {@code <id> <name>} per line.
 */
final class MaskFolderDataset extends ImageFolderDataset {

    static final String IMAGES = "images";
    static final String MASKS = "masks";
    
    private final SortedMap<Integer, String> classNames;

    private MaskFolderDataset(Path root, List<String> imageIds, SortedMap<Integer, String> classNames) {
        super(root, DatasetLayout.MASK_FOLDER, IMAGES, imageIds);
        this.classNames = classNames;
    }

    static MaskFolderDataset open(Path root, Optional<Path> split) {
        List<String> all = Datasets.files(root.resolve(IMAGES)).stream().map(p -> p.getFileName().toString()).toList();
        List<String> selected = split.map(list -> SplitList.select(list, all)).orElse(all);
        return new MaskFolderDataset(root, selected, ClassNamesFile.read(root).orElseGet(TreeMap::new));
    }

    @Override
    public SortedMap<Integer, String> classNames() {
        return classNames;
    }

    Path maskPath(String imageId) {
        int dot = imageId.lastIndexOf('.');
        return root().resolve(MASKS).resolve((dot > 0 ? imageId.substring(0, dot) : imageId) + ".png");
    }

    @Override
    public Map<Integer, BinaryMask> masks(String imageId, int height, int width) {
        Path file = maskPath(imageId);
        Raster labels = labels(file, imageId);
        if (labels.getWidth() != width || labels.getHeight() != height) {
            throw new DatasetException("mask " + file + " is " + labels.getWidth() + "x" + labels.getHeight()
                    + " but its image is " + width + "x" + height);
        }
        Map<Integer, BinaryMask> masks = new HashMap<>();
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int classId = labels.getSample(col, row, 0);
                if (classId != 0) {
                    masks.computeIfAbsent(classId, c -> new BinaryMask(height, width)).set(row, col, true);
                }
            }
        }
        return new TreeMap<>(masks);
    }

    /**
     * The label image's raw values: grey samples of any bit depth, or palette indices, as they are (decoded as a
     * picture, a 16-bit label 1 would become 0, and a palette colour its luminance). Colour labels are taken when
     * grey (all channels equal), else refused.
     */
    private static Raster labels(Path file, String imageId) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DatasetException("mask " + file + " of image " + imageId + " cannot be read: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new DatasetException("mask " + file + " of image " + imageId + " is not a PNG image");
        }
        Raster raster = image.getRaster();
        if (raster.getNumBands() <= 2 || image.getColorModel() instanceof IndexColorModel) { // grey, grey + alpha, or a palette
            return raster;
        }
        for (int row = 0; row < raster.getHeight(); row++) {
            for (int col = 0; col < raster.getWidth(); col++) {
                int first = raster.getSample(col, row, 0);
                for (int band = 1; band < Math.min(3, raster.getNumBands()); band++) {
                    if (raster.getSample(col, row, band) != first) {
                        throw new DatasetException("mask " + file + " is a colour image: a label image holds class ids as grey values "
                                + "or palette indices (pixel " + col + "," + row + " differs between channels)");
                    }
                }
            }
        }
        return raster;
    }

    @Override
    public List<String> labelProblems() {
        return List.of();
    }
}
