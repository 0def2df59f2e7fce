package dev.coilsight.segmenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.classifier.ClassifierService;
import dev.coilsight.classifier.ClassifierStage;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.WorkerConfig;
import dev.coilsight.workerruntime.WorkerFixture;

/**
 * The committed default models chained as in production: real Severstal stream images into the
 * classifier (models/severstal-classifier), its defective images into the segmenter
 * (models/severstal-resunet). Exactly one classification per image and exactly one
 * segmentation per defective image, ids matching.
 */
@ExtendWith(RealInfrastructureExtension.class)
class PipelineIT {

    private static final Duration WAIT = Duration.ofSeconds(180);

    private static Path model(String name) {
        Path dir = Path.of(System.getProperty("user.dir")).getParent().resolve("models").resolve(name);
        assertThat(dir.resolve("model.json")).as("committed default model " + name).exists();
        return dir;
    }

    private static WorkerConfig config(String inputVariable, String input, String dlq, Path model, WorkerConfig.Defaults defaults) {
        Map<String, String> settings = new HashMap<>();
        settings.put(inputVariable, input);
        settings.put("COILSIGHT_TOPIC_DLQ", dlq);
        settings.put("COILSIGHT_MODEL_DIR", model.toString());
        settings.put("COILSIGHT_MAX_BATCH_SIZE", "4");
        return WorkerConfig.fromEnv(WorkerFixture.env(settings), defaults);
    }

    @Test
    void defaultModelsChainedOnRealImages() throws Exception {
        Map<String, String> topics = WorkerFixture.topics(3, "images", "classifications", "defective", "defects", "dlq");
        List<Path> images = WorkerFixture.streamImages(10);
        try (InferenceWorker<ImageCaptured> classifier = new InferenceWorker<>(
                     config("COILSIGHT_TOPIC_IMAGES", topics.get("images"), topics.get("dlq"), model("severstal-classifier"), ClassifierService.DEFAULTS),
                     new ClassifierStage(topics.get("classifications"), topics.get("defective")));
             InferenceWorker<DefectiveImage> segmenter = new InferenceWorker<>(
                     config("COILSIGHT_TOPIC_DEFECTIVE", topics.get("defective"), topics.get("dlq"), model("severstal-resunet"), SegmenterService.DEFAULTS),
                     new SegmenterStage(topics.get("defects")));
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            classifier.start();
            segmenter.start();
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 2));

            List<ImageClassified> classifications = WorkerFixture.values(
                    WorkerFixture.readCommitted(topics.get("classifications"), images.size(), WAIT), ImageClassified.class);
            assertThat(classifications).extracting(ImageClassified::getImageId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(images.stream().map(WorkerFixture::imageId).toList());
            assertThat(classifications).allSatisfy(c -> assertThat(c.getModel().getName()).isEqualTo("severstal-classifier"));
            List<String> defective = classifications.stream().filter(ImageClassified::getDefective).map(ImageClassified::getImageId).toList();
            assertThat(defective).as("the default classifier calls most real images defective").isNotEmpty();

            List<DefectSegmentation> segmentations = WorkerFixture.values(
                    WorkerFixture.readCommitted(topics.get("defects"), defective.size(), WAIT), DefectSegmentation.class);
            assertThat(segmentations).extracting(DefectSegmentation::getImageId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(defective);
            for (DefectSegmentation s : segmentations) {
                assertThat(s.getModel().getName()).isEqualTo("severstal-resunet");
                assertThat(s.getWidth()).isEqualTo(1600);
                assertThat(s.getHeight()).isEqualTo(256);
                for (DefectMask m : s.getMasks()) {
                    assertThat(RunLengthEncoding.pixelCount(m.getRle(), s.getHeight(), s.getWidth())).isEqualTo(m.getPixelCount());
                }
            }
            assertThat(WorkerFixture.readCommitted(topics.get("dlq"), 0, Duration.ofSeconds(1))).as("nothing dead-lettered").isEmpty();
        }
    }
}
