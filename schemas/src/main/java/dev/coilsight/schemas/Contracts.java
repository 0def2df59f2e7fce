package dev.coilsight.schemas;

import java.util.List;

import org.apache.avro.Schema;

/**
 * Which record travels on which topic, and so which registry subject (TopicNameStrategy:
 * {@code <topic>-value}) holds its schema. The dead-letter topic carries original bytes, no schema.
 */
public final class Contracts {

    /** One topic's value contract. */
    public record Contract(String topic, Schema valueSchema) {
        public String valueSubject() {
            return SubjectNames.valueSubject(topic);
        }
    }

    private static final List<Contract> ALL = List.of(
            new Contract(Topics.IMAGES, ImageCaptured.getClassSchema()),
            new Contract(Topics.CLASSIFICATIONS, ImageClassified.getClassSchema()),
            new Contract(Topics.DEFECTIVE_IMAGES, DefectiveImage.getClassSchema()),
            new Contract(Topics.DEFECTS, DefectSegmentation.getClassSchema()),
            new Contract(Topics.COIL_ENDS, CoilEnded.getClassSchema()),
            new Contract(Topics.COIL_STATS, CoilDefectStats.getClassSchema()),
            new Contract(Topics.COIL_GRADES, CoilGraded.getClassSchema()),
            new Contract(Topics.ALERTS, QualityAlert.getClassSchema()),
            new Contract(Topics.AUDIT_IMAGES, DefectiveImage.getClassSchema()),
            new Contract(Topics.REVIEWS, DefectReviewed.getClassSchema()),
            new Contract(Topics.CLASSIFICATIONS_SHADOW, ImageClassified.getClassSchema()),
            new Contract(Topics.DEFECTS_SHADOW, DefectSegmentation.getClassSchema()));

    private Contracts() {
    }

    public static List<Contract> all() {
        return ALL;
    }
}
