package dev.coilsight.trainer.train;

import java.nio.file.Path;
import java.util.Optional;

import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.net.Architecture;

/**
 * Everything that defines a training run; written to {@code run.json} so that a run can be
 * resumed and its model card says exactly how it was made.
 *
 * @param monitor      validation figure that picks the best epoch: {@code dice} (Kaggle mean Dice),
 *                     {@code miou} (segmenters) or {@code f1} (classifiers)
 * @param initFrom     a model directory (SavedModel) whose weights initialise this network
 * @param initScope    {@code encoder} (only {@code enc/...}) or {@code matching} (every variable whose name and shape match)
 * @param freezeEncoder train only the layers outside the encoder (transfer strategy a)
 * @param resize       every image (and mask) is resized to the crop size instead of cropped, for data sets whose images
 *                     differ in size: the card's input resizes as training did, and a classifier decides on the whole image
 * @param schedule     how the learning rate moves from {@code learningRate} over the epochs
 */
public record TrainingOptions(
        Architecture architecture,
        Loss loss,
        float learningRate,
        int batchSize,
        int cropHeight,
        int cropWidth,
        int epochs,
        int patience,
        Integer maxBatchesPerEpoch,
        long seed,
        Augmentation augmentation,
        String monitor,
        Optional<Path> initFrom,
        String initScope,
        boolean freezeEncoder,
        int threads,
        boolean resize,
        LearningRateSchedule schedule) {

    /** Images cropped, not resized, at a constant learning rate. */
    public TrainingOptions(Architecture architecture, Loss loss, float learningRate, int batchSize, int cropHeight, int cropWidth, int epochs,
                           int patience, Integer maxBatchesPerEpoch, long seed, Augmentation augmentation, String monitor,
                           Optional<Path> initFrom, String initScope, boolean freezeEncoder, int threads) {
        this(architecture, loss, learningRate, batchSize, cropHeight, cropWidth, epochs, patience, maxBatchesPerEpoch, seed, augmentation,
                monitor, initFrom, initScope, freezeEncoder, threads, false, LearningRateSchedule.CONSTANT);
    }

    /** The model input: any size padded to the architecture's multiple, or resized to the crop size. */
    public dev.coilsight.core.model.InputSpec inputSpec() {
        return resize
                ? new dev.coilsight.core.model.InputSpec("input", "NHWC", architecture.channels(), dev.coilsight.core.model.InputSpec.RESIZE,
                        architecture.sizeMultiple(), cropHeight, cropWidth, 1.0 / 255, null, null)
                : dev.coilsight.core.model.InputSpec.padded("input", architecture.channels(), architecture.sizeMultiple());
    }

    public TrainingOptions {
        if (cropHeight % architecture.sizeMultiple() != 0 || cropWidth % architecture.sizeMultiple() != 0) {
            throw new IllegalArgumentException("crop " + cropHeight + "x" + cropWidth + " must be a multiple of "
                    + architecture.sizeMultiple() + " for depth " + architecture.depth());
        }
        if (batchSize < 1 || epochs < 1 || patience < 1 || learningRate <= 0) {
            throw new IllegalArgumentException("batch size, epochs and patience must be >= 1 and the learning rate > 0");
        }
        if (!initScope.equals("encoder") && !initScope.equals("matching")) {
            throw new IllegalArgumentException("init scope must be 'encoder' or 'matching', got '" + initScope + "'");
        }
        if (freezeEncoder && initFrom.isEmpty()) {
            throw new IllegalArgumentException("--freeze-encoder needs --init-from: a frozen random encoder learns nothing");
        }
    }
}
