package dev.coilsight.trainer.explore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.dataset.DatasetException;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.core.rle.BinaryMask;

/**
 * Scans a labelled dataset once and writes the exploration report: {@code index.html}, PNG charts,
 * per-class galleries and {@code summary.json}. Unreadable images and invalid labels are counted and
 * listed, never fatal.
 */
public final class DatasetExplorer {

    private static final Logger log = LoggerFactory.getLogger(DatasetExplorer.class);

    private final ImageDecoder decoder = new ImageDecoder();
    private final int examplesPerClass;
    private final PrintStream progressOut;

    public DatasetExplorer(int examplesPerClass, PrintStream progressOut) {
        this.examplesPerClass = examplesPerClass;
        this.progressOut = progressOut;
    }

    public ExplorationSummary explore(Path datasetRoot, Optional<Path> split, Path outDir) throws IOException {
        LabeledDataset dataset = Datasets.open(datasetRoot, split);
        Files.createDirectories(outDir);
        DatasetStatistics stats = new DatasetStatistics(dataset.classNames(), dataset.imageIds().size());
        stats.invalidLabels.addAll(dataset.labelProblems());
        Gallery gallery = new Gallery(examplesPerClass);

        try (ProgressBar progress = new ProgressBar("exploring " + datasetRoot.getFileName(), dataset.imageIds().size(), progressOut)) {
            for (String imageId : dataset.imageIds()) {
                scan(dataset, imageId, stats, gallery);
                progress.step();
            }
        }

        Charts charts = new Charts(outDir);
        charts.imagesPerClass(stats);
        charts.defectsPerImage(stats);
        charts.cooccurrence(stats);
        charts.maskAreas(stats);
        charts.components(stats);
        charts.locations(stats);
        charts.brightnessAndContrast(stats);
        List<String> files = new ArrayList<>(charts.written());
        files.addAll(gallery.write(outDir));

        ExplorationSummary summary = ExplorationSummary.of(datasetRoot.toString(), dataset.layout().name(), stats, files);
        Files.writeString(outDir.resolve("summary.json"), summary.toJson(), StandardCharsets.UTF_8);
        HtmlReport.write(outDir.resolve("index.html"), summary);
        log.info("dataset report written to {} ({} charts and galleries)", outDir.resolve("index.html"), files.size());
        return summary;
    }

    private void scan(LabeledDataset dataset, String imageId, DatasetStatistics stats, Gallery gallery) {
        DecodedImage gray;
        try {
            gray = decoder.decode(Files.readAllBytes(dataset.imagePath(imageId)), ColorMode.GRAYSCALE);
        } catch (IOException e) {
            stats.unreadableImages.add(imageId + ": cannot read: " + e.getMessage());
            return;
        } catch (ImageRejectedException e) {
            stats.unreadableImages.add(imageId + ": " + e.getMessage());
            return;
        }
        Map<Integer, BinaryMask> masks;
        try {
            masks = dataset.masks(imageId, gray.height(), gray.width());
        } catch (DatasetException e) {
            stats.invalidLabels.add(e.getMessage());
            return;
        }
        stats.add(gray, masks);
        gallery.offer(imageId, gray, masks);
    }
}
