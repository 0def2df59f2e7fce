package dev.coilsight.classifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ImageResults;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.StageTimings;
import dev.coilsight.workerruntime.InferenceStage;

/**
 * Images to classifications: for every {@link ImageCaptured} one {@link ImageClassified}, and when the
 * image is defective also one {@link DefectiveImage} (the image and its classification) for the
 * segmenter, in the same transaction. The decision (whole image or windows, threshold) is
 * {@link ClassifierDecision}'s, as in offline evaluation.
 */
public final class ClassifierStage implements InferenceStage<ImageCaptured> {

    public static final String NAME = "classifier";

    private final String classificationsTopic;
    private final Optional<String> defectiveTopic;
    private final Optional<AuditSample> audit;

    public ClassifierStage(String classificationsTopic, String defectiveTopic) {
        this(classificationsTopic, Optional.of(defectiveTopic), Optional.empty());
    }

    private ClassifierStage(String classificationsTopic, Optional<String> defectiveTopic, Optional<AuditSample> audit) {
        this.classificationsTopic = classificationsTopic;
        this.defectiveTopic = defectiveTopic;
        this.audit = audit;
    }

    /** A candidate classifier in shadow: its classifications only, no image forwarded to the live segmenter or to audit. */
    public static ClassifierStage shadow(String classificationsTopic) {
        return new ClassifierStage(classificationsTopic, Optional.empty(), Optional.empty());
    }

    /** This stage forwarding also a share of the clean images, with their classification, for people to audit. */
    public ClassifierStage withAudit(AuditSample sample) {
        return new ClassifierStage(classificationsTopic, defectiveTopic, Optional.of(sample));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("COILSIGHT_TOPIC_CLASSIFICATIONS", classificationsTopic,
                "COILSIGHT_TOPIC_DEFECTIVE", defectiveTopic.orElse("(none: in shadow no image is forwarded)"),
                "COILSIGHT_TOPIC_AUDIT", audit.map(AuditSample::topic).orElse("(none)"),
                "COILSIGHT_AUDIT_SHARE", audit.map(a -> String.valueOf(a.share())).orElse("0"));
    }

    @Override
    public List<String> outputTopics() {
        List<String> topics = new ArrayList<>(List.of(classificationsTopic));
        defectiveTopic.ifPresent(topics::add);
        audit.map(AuditSample::topic).ifPresent(topics::add);
        return topics;
    }

    @Override
    public Class<ImageCaptured> inputType() {
        return ImageCaptured.class;
    }

    @Override
    public String task() {
        return ModelCard.CLASSIFICATION;
    }

    @Override
    public ImageCaptured image(ImageCaptured input) {
        return input;
    }

    @Override
    public List<Preprocessor.Prepared> inputs(ModelCard card, DecodedImage image) {
        return new ClassifierDecision(card).inputs(image);
    }

    @Override
    public List<Output> outputs(ModelCard card, ImageCaptured image, List<Preprocessor.Prepared> inputs, List<float[]> outputs,
                                StageTimings timings) {
        ClassifierDecision decision = new ClassifierDecision(card);
        double probability = ClassifierDecision.probability(outputs);
        ImageClassified classified = ImageResults.classification(image)
                .setDefectProbability((float) probability)
                .setDefective(decision.defective(probability))
                .setThreshold((float) decision.threshold())
                .setModel(new ModelRef(card.name(), card.version()))
                .setTimings(timings)
                .build();
        List<Output> out = new ArrayList<>(2);
        out.add(new Output(classificationsTopic, image.getCoilId(), classified));
        if (classified.getDefective() && defectiveTopic.isPresent()) {
            out.add(new Output(defectiveTopic.get(), image.getCoilId(), new DefectiveImage(image, classified)));
        } else if (!classified.getDefective() && audit.isPresent() && audit.get().chosen(image.getImageId())) {
            out.add(new Output(audit.get().topic(), image.getCoilId(), new DefectiveImage(image, classified)));
        }
        return out;
    }
}
