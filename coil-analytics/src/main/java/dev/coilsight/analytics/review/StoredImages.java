package dev.coilsight.analytics.review;

import java.util.Optional;

import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;

/** The images a review may be about: those this instance's stores keep (recent defective images and their segmentations). */
public record StoredImages(CoilQueries queries) implements ReviewDesk.Images {

    @Override
    public Optional<DefectiveImage> image(String coilId, String imageId) {
        return queries.image(coilId, imageId);
    }

    @Override
    public Optional<DefectSegmentation> segmentation(String coilId, String imageId) {
        return queries.defect(coilId, imageId);
    }
}
