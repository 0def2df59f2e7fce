package dev.coilsight.analytics.review;

import java.util.Optional;

import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;

/**
 * The images a review may be about: the recent defective images this instance's stores keep (with their
 * segmentations), and the images sent for audit.
 */
public record StoredImages(CoilQueries queries, AuditImages audit) implements ReviewDesk.Images {

    @Override
    public Optional<DefectiveImage> image(String coilId, String imageId) {
        return queries.image(coilId, imageId).or(() -> audit.get(coilId, imageId));
    }

    @Override
    public Optional<DefectSegmentation> segmentation(String coilId, String imageId) {
        return queries.defect(coilId, imageId);
    }
}
