package dev.coilsight.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.core.dataset.DatasetException;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.dataset.LabelProblems;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.core.image.ImageHeader;
import dev.coilsight.ingest.replay.ReplaySource;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;

/**
 * The images the demo replays and, for a labelled data set (Severstal's train.csv or a folder of label masks), their
 * true masks as Kaggle rows keyed by file name, to score what the line streamed.
 *
 * @param images in replay order
 * @param labels the truth, when the data set has labels
 */
record DemoDataset(List<Path> images, Optional<Labels> labels) {

    /** True masks, one row per (image, class) with a defect; {@code source} names where they came from. */
    record Labels(String source, List<RleRow> rows) {
    }

    /** A labelled data set (only the ids of {@code split}, when given), or a plain folder of images without labels. */
    static DemoDataset open(Path root, Optional<Path> split) {
        LabeledDataset data;
        try {
            data = Datasets.open(root, split);
        } catch (DatasetException e) {
            if (split.isPresent()) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return new DemoDataset(ReplaySource.images(root), Optional.empty()); // no labels: replay the images alone
        }
        LabelProblems.warn("demo", data, System.err); // the score counts those pairs as defect-free
        ImageDecoder decoder = new ImageDecoder();
        List<Path> images = new ArrayList<>();
        List<RleRow> rows = new ArrayList<>();
        for (String id : data.imageIds()) {
            Path file = data.imagePath(id);
            if (!ReplaySource.isImageFile(file)) {
                continue; // as the replay: image files only
            }
            images.add(file);
            ImageHeader header;
            try {
                header = decoder.readHeader(file);
            } catch (ImageRejectedException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage() + " (remove it from the data set)", e);
            }
            for (Map.Entry<Integer, BinaryMask> mask : data.masks(id, header.height(), header.width()).entrySet()) {
                if (mask.getValue().pixelCount() > 0) {
                    rows.add(new RleRow(file.getFileName().toString(), mask.getKey(), RunLengthEncoding.encode(mask.getValue())));
                }
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images in " + root + split.map(s -> " listed in " + s).orElse(""));
        }
        String source = switch (data.layout()) {
            case SEVERSTAL -> root.resolve("train.csv").toString();
            case MASK_FOLDER -> root.resolve("masks").toString();
        };
        return new DemoDataset(images, Optional.of(new Labels(source, rows)));
    }
}
