package dev.coilsight.analytics.shadow;

import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;

/** What the shadow comparison knows of one image: each model's results on it, and the last review. */
final class ShadowImage {

    final String coilId;
    final String imageId;
    DefectSegmentation live;
    DefectSegmentation shadow;
    ImageClassified liveDecision;
    ImageClassified shadowDecision;
    DefectReviewed review;

    ShadowImage(String coilId, String imageId) {
        this.coilId = coilId;
        this.imageId = imageId;
    }

    /** The image's name in the scorers' image sets. */
    String key() {
        return key(coilId, imageId);
    }

    static String key(String coilId, String imageId) {
        return coilId + "/" + imageId;
    }
}
