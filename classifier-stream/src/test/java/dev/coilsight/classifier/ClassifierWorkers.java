package dev.coilsight.classifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.WorkerConfig;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * Classifiers for the integration tests, on the test JVM's broker and registry, with the topics of
 * {@link WorkerFixture#topics} by role: they read "images" and dead-letter to "dlq".
 */
final class ClassifierWorkers {

    private ClassifierWorkers() {
    }

    /** New topics for the roles a classifier reads and writes: "images", "classifications", "defective" and "dlq". */
    static Map<String, String> topics(int partitions) {
        return WorkerFixture.topics(partitions, "images", "classifications", "defective", "dlq");
    }

    /** A started classifier in this JVM that writes classifications and forwards defective images to the topics of those roles. */
    static InferenceWorker<ImageCaptured> start(Map<String, String> topics, Path model, Map<String, String> extra) throws IOException {
        return start(topics, model, extra, new ClassifierStage(topics.get("classifications"), topics.get("defective")));
    }

    /** A started classifier in this JVM that writes what {@code stage} says. */
    static InferenceWorker<ImageCaptured> start(Map<String, String> topics, Path model, Map<String, String> extra, ClassifierStage stage)
            throws IOException {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("COILSIGHT_TOPIC_IMAGES", topics.get("images"));
        settings.put("COILSIGHT_TOPIC_DLQ", topics.get("dlq"));
        settings.put("COILSIGHT_MODEL_DIR", model.toString());
        InferenceWorker<ImageCaptured> worker = new InferenceWorker<>(WorkerConfig.fromEnv(WorkerFixture.env(settings), ClassifierService.DEFAULTS),
                stage);
        worker.start();
        return worker;
    }

    /**
     * The environment of a classifier in a JVM of its own ({@link WorkerFixture#startJvm}), which writes classifications
     * and forwards defective images to the topics of those roles.
     */
    static Map<String, String> processVariables(Map<String, String> topics, Path model, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("COILSIGHT_TOPIC_IMAGES", topics.get("images"));
        settings.put("COILSIGHT_TOPIC_CLASSIFICATIONS", topics.get("classifications"));
        settings.put("COILSIGHT_TOPIC_DEFECTIVE", topics.get("defective"));
        settings.put("COILSIGHT_TOPIC_DLQ", topics.get("dlq"));
        settings.put("COILSIGHT_MODEL_DIR", model.toString());
        return WorkerFixture.variables(settings);
    }
}
