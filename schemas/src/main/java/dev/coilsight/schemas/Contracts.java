package dev.coilsight.schemas;

import java.util.List;
import java.util.function.Function;

import org.apache.avro.Schema;

/**
 * Which record travels on which topic, and so which registry subject (TopicNameStrategy:
 * {@code <topic>-value}) holds its schema. The dead-letter topic carries original bytes, no schema.
 */
public final class Contracts {

    /** One topic's value contract; {@code variable} is the setting with which the services rename the topic. */
    public record Contract(String topic, Schema valueSchema, String variable) {
        public String valueSubject() {
            return SubjectNames.valueSubject(topic);
        }
    }

    private static final List<Contract> ALL = List.of(
            new Contract(Topics.IMAGES, ImageCaptured.getClassSchema(), "COILSIGHT_TOPIC_IMAGES"),
            new Contract(Topics.CLASSIFICATIONS, ImageClassified.getClassSchema(), "COILSIGHT_TOPIC_CLASSIFICATIONS"),
            new Contract(Topics.DEFECTIVE_IMAGES, DefectiveImage.getClassSchema(), "COILSIGHT_TOPIC_DEFECTIVE"),
            new Contract(Topics.DEFECTS, DefectSegmentation.getClassSchema(), "COILSIGHT_TOPIC_DEFECTS"),
            new Contract(Topics.COIL_ENDS, CoilEnded.getClassSchema(), "COILSIGHT_TOPIC_COIL_ENDS"),
            new Contract(Topics.COIL_STATS, CoilDefectStats.getClassSchema(), "COILSIGHT_TOPIC_COIL_STATS"),
            new Contract(Topics.COIL_GRADES, CoilGraded.getClassSchema(), "COILSIGHT_TOPIC_COIL_GRADES"),
            new Contract(Topics.ALERTS, QualityAlert.getClassSchema(), "COILSIGHT_TOPIC_ALERTS"),
            new Contract(Topics.AUDIT_IMAGES, DefectiveImage.getClassSchema(), "COILSIGHT_TOPIC_AUDIT"),
            new Contract(Topics.REVIEWS, DefectReviewed.getClassSchema(), "COILSIGHT_TOPIC_REVIEWS"),
            new Contract(Topics.CLASSIFICATIONS_SHADOW, ImageClassified.getClassSchema(), "COILSIGHT_TOPIC_CLASSIFICATIONS_SHADOW"),
            new Contract(Topics.DEFECTS_SHADOW, DefectSegmentation.getClassSchema(), "COILSIGHT_TOPIC_DEFECTS_SHADOW"));

    private Contracts() {
    }

    /** The contracts under the pipeline's own topic names. */
    public static List<Contract> all() {
        return ALL;
    }

    /** The contracts under the topic names the services are given ({@code COILSIGHT_TOPIC_*} in {@code env}, else their own). */
    public static List<Contract> all(Function<String, String> env) {
        return ALL.stream().map(c -> {
            String renamed = env.apply(c.variable());
            return renamed == null || renamed.isBlank() ? c : new Contract(renamed.trim(), c.valueSchema(), c.variable());
        }).toList();
    }
}
