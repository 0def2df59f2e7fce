package dev.coilsight.workerruntime;

/**
 * The largest model input a worker builds: pixels of one prepared image and of one forward pass.
 * TensorFlow's activations grow with the input (tens to hundreds of bytes per pixel per layer), and a
 * tensor the native allocator cannot hold ends the process instead of throwing; so an image over
 * the budget is dead-lettered before any input is built, and a batch is split into forward passes
 * that fit.
 *
 * @param maxImagePixels {@code COILSIGHT_MAX_MODEL_INPUT_PIXELS}: one image, after the model's size policy (padding)
 * @param maxBatchPixels {@code COILSIGHT_MAX_BATCH_PIXELS}: one forward pass, all images together
 */
public record InputBudget(long maxImagePixels, long maxBatchPixels) {

    /** 4 Mpx per image (ten 1600x256 strips), 16 Mpx per pass: about 2-3 GB of activations for the default segmenter. */
    public static final InputBudget DEFAULT = new InputBudget(4L << 20, 16L << 20);

    public InputBudget {
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("COILSIGHT_MAX_MODEL_INPUT_PIXELS must be at least 1, got " + maxImagePixels);
        }
        if (maxBatchPixels < maxImagePixels) {
            throw new IllegalArgumentException("COILSIGHT_MAX_BATCH_PIXELS (" + maxBatchPixels
                    + ") must be at least COILSIGHT_MAX_MODEL_INPUT_PIXELS (" + maxImagePixels + "): one image must fit a pass");
        }
    }
}
