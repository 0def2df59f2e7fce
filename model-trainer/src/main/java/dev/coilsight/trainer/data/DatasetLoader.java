package dev.coilsight.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.core.rle.BinaryMask;

/** Decodes a labelled dataset into memory for training, mapping class ids to output channels. */
public final class DatasetLoader {

    private final ImageDecoder decoder = new ImageDecoder();
    private final ClassMap classes;
    private final ColorMode colorMode;
    private final boolean anyClass;
    private final SortedMap<Integer, Integer> unpredicted = new TreeMap<>();

    public DatasetLoader(ClassMap classes, int channels) {
        this(classes, channels, false);
    }

    private DatasetLoader(ClassMap classes, int channels, boolean anyClass) {
        this.classes = classes;
        this.colorMode = ColorMode.forChannels(channels);
        this.anyClass = anyClass;
    }

    /**
     * A loader for defect-or-not: every labelled pixel is a defect (the one channel), whatever its class and whether or
     * not the data set names its classes, so that an image with only a class of id 2 or more is defective too.
     */
    public static DatasetLoader defectOrNot(int channels) {
        return new DatasetLoader(ClassMap.parse("1=defect"), channels, true);
    }

    /** Class id -> images loaded so far that label it although the model has no channel for it (their masks are left out). */
    public synchronized SortedMap<Integer, Integer> unpredictedClasses() {
        return new TreeMap<>(unpredicted);
    }

    public List<LabeledImage> load(LabeledDataset dataset, List<String> ids, String task) {
        List<LabeledImage> images = new ArrayList<>(ids.size());
        try (ProgressBar bar = new ProgressBar(task, ids.size())) {
            for (String id : ids) {
                images.add(load(dataset, id));
                bar.step();
            }
        }
        return images;
    }

    public synchronized LabeledImage load(LabeledDataset dataset, String id) {
        DecodedImage image;
        try {
            image = decoder.decode(dataset.imagePath(id), colorMode);
        } catch (ImageRejectedException e) {
            throw new IllegalArgumentException(dataset.imagePath(id) + ": " + e.getMessage() + " (remove it from the data set or its split)", e);
        }
        int h = image.height();
        int w = image.width();
        byte[] bits = new byte[h * w];
        for (Map.Entry<Integer, BinaryMask> e : dataset.masks(id, h, w).entrySet()) {
            int channel = anyClass ? 0 : classes.channelOf(e.getKey());
            if (channel < 0) {
                unpredicted.merge(e.getKey(), 1, Integer::sum);
                continue;
            }
            byte bit = (byte) (1 << channel);
            byte[] columnMajor = e.getValue().columnMajor();
            for (int c = 0; c < w; c++) {
                for (int r = 0; r < h; r++) {
                    if (columnMajor[c * h + r] != 0) {
                        bits[r * w + c] |= bit;
                    }
                }
            }
        }
        return new LabeledImage(id, h, w, image.channels(), image.pixels(), bits);
    }
}
