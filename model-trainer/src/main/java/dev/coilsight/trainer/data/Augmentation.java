package dev.coilsight.trainer.data;

/**
 * Random changes applied to every training crop.
 *
 * @param flips      random horizontal and vertical flips
 * @param brightness maximum brightness shift, as a fraction of the full 0..255 range
 * @param contrast   maximum relative contrast change (0.2 = factor in 0.8..1.2)
 */
public record Augmentation(boolean flips, double brightness, double contrast) {

    public static final Augmentation NONE = new Augmentation(false, 0, 0);

    public Augmentation {
        if (brightness < 0 || brightness > 1 || contrast < 0 || contrast > 1) {
            throw new IllegalArgumentException("brightness and contrast must be in 0..1");
        }
    }
}
