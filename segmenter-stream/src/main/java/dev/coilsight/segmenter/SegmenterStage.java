package dev.coilsight.segmenter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.mask.MaskPostProcessor;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.schemas.BoundingBox;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageResults;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.StageTimings;
import dev.coilsight.workerruntime.InferenceStage;

/**
 * Defective images to defect masks: for every {@link DefectiveImage} one {@link DefectSegmentation}
 * with, per class present, the Kaggle RLE, pixel count, bounding box, mean probability and component
 * count, from the card's per-class threshold and minimum area ({@link MaskPostProcessor}, the same
 * post-processing as offline evaluation).
 */
public final class SegmenterStage implements InferenceStage<DefectiveImage> {

    public static final String NAME = "segmenter";

    private final String defectsTopic;

    public SegmenterStage(String defectsTopic) {
        this.defectsTopic = defectsTopic;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("COILSIGHT_TOPIC_DEFECTS", defectsTopic);
    }

    @Override
    public Class<DefectiveImage> inputType() {
        return DefectiveImage.class;
    }

    @Override
    public String task() {
        return ModelCard.SEGMENTATION;
    }

    @Override
    public ImageCaptured image(DefectiveImage input) {
        return input.getImage();
    }

    @Override
    public List<Preprocessor.Prepared> inputs(ModelCard card, DecodedImage image) {
        return List.of(new Preprocessor(card.input()).prepare(image));
    }

    /** Besides finite values: one probability per pixel of the prepared input and class of the card. */
    @Override
    public void checkOutput(ModelCard card, Preprocessor.Prepared input, float[] output) {
        long expected = (long) input.height() * input.width() * card.classes().size();
        if (output.length != expected) {
            throw new IllegalStateException("the model gave " + output.length + " values for a " + input.height() + "x" + input.width()
                    + " input, not " + expected + " (" + card.classes().size() + " classes in its model.json): the card does not "
                    + "match the model");
        }
        InferenceStage.super.checkOutput(card, input, output);
    }

    @Override
    public List<Output> outputs(ModelCard card, DefectiveImage input, List<Preprocessor.Prepared> inputs, List<float[]> outputs,
                                StageTimings timings) {
        Preprocessor.Prepared prepared = inputs.get(0);
        boolean resized = card.input().sizePolicy().equals(InputSpec.RESIZE);
        List<MaskPostProcessor.DefectMask> defects = new MaskPostProcessor(card.classes()).process(outputs.get(0),
                prepared.height(), prepared.width(), prepared.sourceHeight(), prepared.sourceWidth(), resized);
        List<DefectMask> masks = new ArrayList<>(defects.size());
        for (MaskPostProcessor.DefectMask d : defects) {
            masks.add(DefectMask.newBuilder()
                    .setClassId(d.classId())
                    .setClassName(d.className())
                    .setRle(d.rle())
                    .setPixelCount(d.pixels())
                    .setBoundingBox(new BoundingBox(d.boundingBox().minCol(), d.boundingBox().minRow(),
                            d.boundingBox().maxCol() - d.boundingBox().minCol() + 1, d.boundingBox().maxRow() - d.boundingBox().minRow() + 1))
                    .setMeanProbability((float) d.meanProbability())
                    .setComponentCount(d.components())
                    .build());
        }
        masks.sort(java.util.Comparator.comparingInt(DefectMask::getClassId));
        ImageCaptured image = input.getImage();
        DefectSegmentation segmentation = ImageResults.segmentation(image)
                .setWidth(prepared.sourceWidth())
                .setHeight(prepared.sourceHeight())
                .setMasks(masks)
                .setModel(new ModelRef(card.name(), card.version()))
                .setTimings(timings)
                .build();
        return List.of(new Output(defectsTopic, image.getCoilId(), segmentation));
    }
}
