package dev.coilsight.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.tensorflow.ndarray.Shape;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.train.TrainingGraph.Batch;

/**
 * Builds training batches of augmented crops. For a segmenter the target is the crop's per-class
 * mask and the crops go through the images in a shuffled order each epoch. For a classifier the
 * target is "any defect pixel in the crop", and batches are balanced: half crops with defects,
 * half without, drawn from a grid of windows (stride half a window) over every image — this is
 * how defect-free regions of defective images become negatives.
 */
public final class CropSampler {

    public enum Target { MASK, DEFECTIVE }

    /** One crop window on one image. */
    record Window(int image, int top, int left) {
    }

    private final List<LabeledImage> images;
    private final Target target;
    private final int cropHeight;
    private final int cropWidth;
    private final int classes;
    private final Augmentation augmentation;
    private final Preprocessor preprocessor;
    private final Random random;
    private final List<Window> positives = new ArrayList<>();
    private final List<Window> negatives = new ArrayList<>();
    private final List<Integer> order = new ArrayList<>();
    private int cursor;
    private int batchCount;

    public CropSampler(List<LabeledImage> images, Target target, int cropHeight, int cropWidth, int classes,
                       Augmentation augmentation, Preprocessor preprocessor, long seed) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no training images");
        }
        for (LabeledImage image : images) {
            if (image.height() < cropHeight || image.width() < cropWidth) {
                throw new IllegalArgumentException("image " + image.id() + " is " + image.height() + "x" + image.width()
                        + ", smaller than the crop " + cropHeight + "x" + cropWidth);
            }
        }
        this.images = images;
        this.target = target;
        this.cropHeight = cropHeight;
        this.cropWidth = cropWidth;
        this.classes = classes;
        this.augmentation = augmentation;
        this.preprocessor = preprocessor;
        this.random = new Random(seed);
        if (target == Target.DEFECTIVE) {
            indexWindows();
        }
    }

    private void indexWindows() {
        for (int i = 0; i < images.size(); i++) {
            LabeledImage image = images.get(i);
            for (int top : starts(image.height(), cropHeight)) {
                for (int left : starts(image.width(), cropWidth)) {
                    (image.defectiveIn(top, left, cropHeight, cropWidth) ? positives : negatives).add(new Window(i, top, left));
                }
            }
        }
        if (positives.isEmpty() || negatives.isEmpty()) {
            throw new IllegalArgumentException("balanced sampling needs windows with and without defects; found "
                    + positives.size() + " with and " + negatives.size() + " without");
        }
    }

    private static List<Integer> starts(int size, int window) {
        return dev.coilsight.trainer.evaluate.WindowGrid.starts(size, window);
    }

    public int positiveWindows() {
        return positives.size();
    }

    public int negativeWindows() {
        return negatives.size();
    }

    /** Batches in one epoch: every image once (segmenter) or every positive window once on average (classifier). */
    public int batchesPerEpoch(int batchSize) {
        int samples = target == Target.MASK ? images.size() : 2 * positives.size();
        return Math.max(1, (samples + batchSize - 1) / batchSize);
    }

    public Batch next(int batchSize) {
        float[] inputs = new float[batchSize * cropHeight * cropWidth * preprocessor.spec().channels()];
        int targetSize = target == Target.MASK ? cropHeight * cropWidth * classes : classes;
        float[] targets = new float[batchSize * targetSize];
        for (int b = 0; b < batchSize; b++) {
            Window window = target == Target.MASK ? randomCropOfNextImage() : balancedWindow(b);
            fill(window, inputs, b, targets, targetSize);
        }
        batchCount++;
        int channels = preprocessor.spec().channels();
        Shape targetShape = target == Target.MASK ? Shape.of(batchSize, cropHeight, cropWidth, classes) : Shape.of(batchSize, classes);
        return new Batch(inputs, Shape.of(batchSize, cropHeight, cropWidth, channels), targets, targetShape);
    }

    private Window randomCropOfNextImage() {
        if (cursor == order.size()) {
            order.clear();
            for (int i = 0; i < images.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            cursor = 0;
        }
        int index = order.get(cursor++);
        LabeledImage image = images.get(index);
        return new Window(index, random.nextInt(image.height() - cropHeight + 1), random.nextInt(image.width() - cropWidth + 1));
    }

    private Window balancedWindow(int slot) {
        List<Window> pool = (slot + batchCount) % 2 == 0 ? positives : negatives;
        return pool.get(random.nextInt(pool.size()));
    }

    private void fill(Window window, float[] inputs, int b, float[] targets, int targetSize) {
        LabeledImage image = images.get(window.image());
        int channels = image.channels();
        boolean flipH = augmentation.flips() && random.nextBoolean();
        boolean flipV = augmentation.flips() && random.nextBoolean();
        byte[] crop = new byte[cropHeight * cropWidth * channels];
        byte[] bits = new byte[cropHeight * cropWidth];
        for (int r = 0; r < cropHeight; r++) {
            int sr = window.top() + (flipV ? cropHeight - 1 - r : r);
            for (int c = 0; c < cropWidth; c++) {
                int sc = window.left() + (flipH ? cropWidth - 1 - c : c);
                System.arraycopy(image.pixels(), (sr * image.width() + sc) * channels, crop, (r * cropWidth + c) * channels, channels);
                bits[r * cropWidth + c] = image.classBits()[sr * image.width() + sc];
            }
        }
        float[] values = preprocessor.prepare(new DecodedImage(cropWidth, cropHeight, channels, crop)).values();
        float contrast = (float) (1 + (random.nextDouble() * 2 - 1) * augmentation.contrast());
        float shift = (float) ((random.nextDouble() * 2 - 1) * augmentation.brightness() * 255 * preprocessor.spec().scale());
        float mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        int offset = b * values.length;
        for (int i = 0; i < values.length; i++) {
            inputs[offset + i] = (values[i] - mean) * contrast + mean + shift;
        }
        int t = b * targetSize;
        if (target == Target.MASK) {
            for (int p = 0; p < bits.length; p++) {
                for (int k = 0; k < classes; k++) {
                    targets[t + p * classes + k] = (bits[p] >> k & 1);
                }
            }
        } else {
            boolean any = false;
            for (byte bit : bits) {
                any |= bit != 0;
            }
            targets[t] = any ? 1 : 0;
        }
    }
}
