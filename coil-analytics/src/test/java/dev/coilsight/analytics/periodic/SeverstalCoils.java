package dev.coilsight.analytics.periodic;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.coilsight.core.mask.Component;
import dev.coilsight.core.mask.ConnectedComponents;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.BoundingBox;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.StageTimings;

/**
 * Coils assembled from real Severstal images and their true masks: each labelled image becomes the segmentation a
 * perfect segmenter would publish, placed at a chosen position along the coil. Images are 1600 x 256; with one
 * millimetre per pixel a frame is 256 mm of strip and the strip 1600 mm wide.
 */
final class SeverstalCoils {

    static final int WIDTH = 1600;
    static final int HEIGHT = 256;

    /** One labelled image: its masks by class. */
    record Labelled(String imageId, Map<Integer, String> rleByClass) {
    }

    private final List<Labelled> images;

    SeverstalCoils(Path dataset) {
        Map<String, Map<Integer, String>> byImage = new LinkedHashMap<>();
        for (RleRow row : KaggleCsv.readAll(dataset.resolve("train.csv"))) {
            byImage.computeIfAbsent(row.imageId(), id -> new LinkedHashMap<>()).put(row.classId(), row.rle());
        }
        images = new ArrayList<>();
        byImage.forEach((id, masks) -> images.add(new Labelled(id, masks)));
    }

    List<Labelled> images() {
        return images;
    }

    List<Labelled> withClass(int classId) {
        return images.stream().filter(l -> l.rleByClass().containsKey(classId)).toList();
    }

    /** The segmentation of a labelled image whose first row lies {@code positionMm} along the coil. */
    static DefectSegmentation segmentation(String coilId, Labelled image, String imageId, double positionMm) {
        List<DefectMask> masks = new ArrayList<>();
        image.rleByClass().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> masks.add(DefectMask.newBuilder()
                .setClassId(e.getKey()).setClassName("class " + e.getKey()).setRle(e.getValue())
                .setPixelCount(RunLengthEncoding.pixelCount(e.getValue(), HEIGHT, WIDTH))
                .setBoundingBox(new BoundingBox(0, 0, 1, 1)).setMeanProbability(1f).setComponentCount(1).build()));
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        return DefectSegmentation.newBuilder()
                .setImageId(imageId).setCoilId(coilId).setCameraId("cam-1").setSequence(0).setCapturedAt(at)
                .setPositionMm(positionMm).setLineId("line-1").setWidth(WIDTH).setHeight(HEIGHT).setMasks(masks)
                .setModel(new ModelRef("ground-truth", "1")).setTimings(new StageTimings(at, at, 0.0, 0.0, 1))
                .build();
    }

    /** The largest component of a class on an image: where a roll mark made from it sits in the frame. */
    static Component largest(Labelled image, int classId) {
        return ConnectedComponents.of(RunLengthEncoding.decode(image.rleByClass().get(classId), HEIGHT, WIDTH)).stream()
                .max(Comparator.comparingLong(Component::pixels)).orElseThrow();
    }

    /** How many defects (8-connected components) of a class an image has. */
    static int components(Labelled image, int classId) {
        return ConnectedComponents.of(RunLengthEncoding.decode(image.rleByClass().get(classId), HEIGHT, WIDTH)).size();
    }

    /** {@code count} random labelled images at random whole frames of a coil {@code frames} long. */
    List<DefectSegmentation> randomPlacements(String coilId, Random random, int frames, int count) {
        List<DefectSegmentation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Labelled image = images.get(random.nextInt(images.size()));
            out.add(segmentation(coilId, image, coilId + "-r" + i, (double) random.nextInt(frames) * HEIGHT));
        }
        return out;
    }
}
