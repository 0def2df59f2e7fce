package dev.coilsight.trainer.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.net.Architecture;

/** The model card of a freshly trained model: architecture, data, configuration, validation figures. */
final class ModelCards {

    private ModelCards() {
    }

    static ModelCard fromTraining(String name, String version, Architecture arch, ClassMap classes, TrainingOptions options,
                                  Trainer.Result result, Map<String, Object> provenance, int trainImages, int validationImages) {
        boolean segmenter = arch.kind() == Architecture.Kind.SEGMENTER;
        List<ModelCard.ClassSpec> specs = new ArrayList<>();
        if (segmenter) {
            for (int i = 0; i < classes.size(); i++) {
                specs.add(new ModelCard.ClassSpec(classes.ids().get(i), classes.names().get(i), 0.5, 0));
            }
        } else {
            specs.add(new ModelCard.ClassSpec(1, "defective", 0.5, 0));
        }
        Map<String, Object> architecture = new LinkedHashMap<>();
        boolean mobileNet = arch.encoder() == Architecture.Encoder.MOBILENETV2_035;
        architecture.put("type", segmenter ? (mobileNet ? "U-Net on a MobileNetV2 (alpha 0.35) encoder" : "ResUNet")
                : (mobileNet ? "MobileNetV2 (alpha 0.35) + global average pooling + dense"
                : "ResNet-style classifier (ResUNet encoder + global average pooling + dense)"));
        architecture.put("encoder", arch.encoder().label());
        architecture.put("width", arch.width());
        architecture.put("depth", arch.depth());
        architecture.put("channels", arch.channels());
        architecture.put("outputs", arch.classes());
        Map<String, Object> training = new LinkedHashMap<>(provenance);
        training.put("trainImages", trainImages);
        training.put("validationImages", validationImages);
        training.put("loss", options.loss().name().toLowerCase());
        training.put("learningRate", options.learningRate());
        if (options.schedule() != LearningRateSchedule.CONSTANT) {
            training.put("learningRateSchedule", options.schedule().label());
        }
        training.put("batchSize", options.batchSize());
        training.put(options.resize() ? "resize" : "crop", List.of(options.cropHeight(), options.cropWidth()));
        training.put("seed", options.seed());
        training.put("epochsRun", result.epochsRun());
        training.put("bestEpoch", result.bestEpoch());
        training.put("secondsPerStep", result.secondsPerStep());
        training.put("imagesPerSecond", result.imagesPerSecond());
        options.initFrom().ifPresent(p -> training.put("initialisedFrom", p.toString() + " (" + options.initScope()
                + (options.freezeEncoder() ? ", encoder frozen" : ", all layers fine-tuned") + ")"));
        training.put("trainedAt", RunFiles.timestamp());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation (during training, threshold 0.5)", result.bestFigures());
        ModelCard.Decision decision = segmenter ? null
                : options.resize() ? ModelCard.Decision.wholeImage(0.5) : new ModelCard.Decision(0.5, options.cropHeight(), options.cropWidth());
        return new ModelCard(name, version, segmenter ? ModelCard.SEGMENTATION : ModelCard.CLASSIFICATION, "serving_default",
                options.inputSpec(), "probabilities", specs, decision, architecture, training, metrics);
    }
}
