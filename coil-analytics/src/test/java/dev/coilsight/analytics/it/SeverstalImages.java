package dev.coilsight.analytics.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.testsupport.SharedData;

/** The real Severstal training images the page tests send, with each image's true masks ({@code truth}, by image id, in id order). */
record SeverstalImages(Path folder, Map<String, List<RleRow>> truth) {

    /** The shared data set {@code severstal-train}; the calling test is skipped where it is absent. */
    static SeverstalImages load() {
        Path folder = SharedData.require("severstal-train");
        Map<String, List<RleRow>> truth = new TreeMap<>();
        for (RleRow row : KaggleCsv.readAll(folder.resolve("train.csv"))) {
            truth.computeIfAbsent(row.imageId(), k -> new ArrayList<>()).add(row);
        }
        return new SeverstalImages(folder, truth);
    }

    /** An image's file as captured (JPEG). */
    byte[] bytes(String imageId) throws IOException {
        return Files.readAllBytes(folder.resolve("train_images").resolve(imageId));
    }
}
