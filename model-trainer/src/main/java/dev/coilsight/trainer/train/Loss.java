package dev.coilsight.trainer.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Training losses on logits and 0/1 targets of the same shape (per pixel and class for a
 * segmenter, per image for a classifier). Overlap losses are computed per class over the whole
 * batch and averaged over classes, so a rare class weighs as much as a common one.
 */
public enum Loss {
    /** Binary cross-entropy, computed from logits without overflow. */
    BCE,
    /** 1 - soft Dice coefficient (smoothed by 1). */
    DICE,
    /** Focal Tversky (alpha 0.7 on false negatives, beta 0.3 on false positives, gamma 0.75): favours recall on small defects. */
    FOCAL_TVERSKY,
    /** BCE + soft Dice. */
    BCE_DICE,
    /**
     * Lovász hinge (Berman et al., CVPR 2018): a convex surrogate of 1 - IoU, so training optimises the figure the
     * segmentation papers report; per class over the whole batch.
     */
    LOVASZ,
    /** BCE + Lovász hinge: BCE's steady per-pixel gradient early on, the IoU surrogate for the overlap. */
    BCE_LOVASZ;

    private static final float SMOOTH = 1f;
    private static final float TVERSKY_ALPHA = 0.7f;
    private static final float TVERSKY_BETA = 0.3f;
    private static final float FOCAL_GAMMA = 0.75f;

    public static Loss parse(String text) {
        String t = text.trim().toUpperCase().replace('-', '_').replace('+', '_');
        return switch (t) {
            case "BCE" -> BCE;
            case "DICE" -> DICE;
            case "FOCAL_TVERSKY", "TVERSKY" -> FOCAL_TVERSKY;
            case "BCE_DICE" -> BCE_DICE;
            case "LOVASZ" -> LOVASZ;
            case "BCE_LOVASZ" -> BCE_LOVASZ;
            default -> throw new IllegalArgumentException("unknown loss '" + text
                    + "'; expected one of bce, dice, focal-tversky, bce-dice, lovasz, bce-lovasz");
        };
    }

    public Operand<TFloat32> build(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets) {
        return switch (this) {
            case BCE -> bce(tf, logits, targets);
            case DICE -> dice(tf, logits, targets);
            case FOCAL_TVERSKY -> focalTversky(tf, logits, targets);
            case BCE_DICE -> tf.math.add(bce(tf, logits, targets), dice(tf, logits, targets));
            case LOVASZ -> lovaszHinge(tf, logits, targets);
            case BCE_LOVASZ -> tf.math.add(bce(tf, logits, targets), lovaszHinge(tf, logits, targets));
        };
    }

    /** max(x, 0) - x z + log(1 + exp(-|x|)), averaged over every element. */
    static Operand<TFloat32> bce(Ops tf, Operand<TFloat32> x, Operand<TFloat32> z) {
        Operand<TFloat32> perElement = tf.math.add(
                tf.math.sub(tf.nn.relu(x), tf.math.mul(x, z)),
                tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(x)))));
        return tf.math.mean(perElement, allAxes(tf, x));
    }

    static Operand<TFloat32> dice(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> z) {
        Operand<TFloat32> p = tf.math.sigmoid(logits);
        Operand<TInt32> axes = allButLast(tf, logits);
        Operand<TFloat32> intersection = tf.sum(tf.math.mul(p, z), axes);
        Operand<TFloat32> total = tf.math.add(tf.sum(p, axes), tf.sum(z, axes));
        Operand<TFloat32> coefficient = tf.math.div(tf.math.add(tf.math.mul(intersection, tf.constant(2f)), tf.constant(SMOOTH)),
                tf.math.add(total, tf.constant(SMOOTH)));
        return tf.math.sub(tf.constant(1f), tf.math.mean(coefficient, tf.constant(0)));
    }

    static Operand<TFloat32> focalTversky(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> z) {
        Operand<TFloat32> p = tf.math.sigmoid(logits);
        Operand<TInt32> axes = allButLast(tf, logits);
        Operand<TFloat32> one = tf.constant(1f);
        Operand<TFloat32> tp = tf.sum(tf.math.mul(p, z), axes);
        Operand<TFloat32> fn = tf.sum(tf.math.mul(tf.math.sub(one, p), z), axes);
        Operand<TFloat32> fp = tf.sum(tf.math.mul(p, tf.math.sub(one, z)), axes);
        Operand<TFloat32> tversky = tf.math.div(tf.math.add(tp, tf.constant(SMOOTH)),
                tf.math.add(tf.math.add(tp, tf.math.add(tf.math.mul(fn, tf.constant(TVERSKY_ALPHA)),
                        tf.math.mul(fp, tf.constant(TVERSKY_BETA)))), tf.constant(SMOOTH)));
        // The small floor keeps the gradient of x^0.75 finite when a class is predicted perfectly.
        Operand<TFloat32> focal = tf.math.pow(tf.math.maximum(tf.math.sub(one, tversky), tf.constant(1e-6f)), tf.constant(FOCAL_GAMMA));
        return tf.math.mean(focal, tf.constant(0));
    }

    /**
     * Per class: the hinge errors {@code 1 - x * (2z - 1)} sorted in decreasing order, weighted by the Lovász extension's
     * gradient of the Jaccard loss at that order (how much each error adds to 1 - IoU when the errors above it are
     * already counted), summed; then averaged over classes.
     */
    static Operand<TFloat32> lovaszHinge(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> z) {
        Operand<TInt32> classes = tf.gather(tf.shape(logits), tf.math.sub(tf.rank(logits), tf.constant(1)), tf.constant(0));
        Operand<TInt32> byClass = tf.stack(java.util.List.of(tf.constant(-1), classes));
        Operand<TInt32> transpose = tf.constant(new int[] {1, 0});
        Operand<TFloat32> x = tf.linalg.transpose(tf.reshape(logits, byClass), transpose);
        Operand<TFloat32> labels = tf.linalg.transpose(tf.reshape(z, byClass), transpose);
        Operand<TFloat32> one = tf.constant(1f);
        Operand<TFloat32> signs = tf.math.sub(tf.math.mul(labels, tf.constant(2f)), one);
        Operand<TFloat32> errors = tf.math.sub(one, tf.math.mul(x, signs));
        Operand<TInt32> pixels = tf.gather(tf.shape(x), tf.constant(1), tf.constant(0));
        // TensorFlow has no gradient for TopK: it only finds the order (of errors held constant), and the sorted errors
        // are gathered in that order, a gather being differentiable. Gathering from the flattened [classes * pixels]
        // arrays with each class's offset avoids a batched gather, whose gradient TensorFlow lacks too.
        TopK<TFloat32, TInt32> order = tf.nn.topK(tf.stopGradient(errors), pixels, TInt32.class, TopK.sorted(true));
        Operand<TInt32> offsets = tf.reshape(tf.math.mul(tf.range(tf.constant(0), classes, tf.constant(1)), pixels),
                tf.constant(new int[] {-1, 1}));
        Operand<TInt32> flatOrder = tf.reshape(tf.math.add(order.indices(), offsets), tf.constant(new int[] {-1}));
        Operand<TInt32> flat = tf.constant(new int[] {-1});
        Operand<TInt32> sortedShape = tf.shape(x);
        Operand<TFloat32> sortedErrors = tf.reshape(tf.gather(tf.reshape(errors, flat), flatOrder, tf.constant(0)), sortedShape);
        Operand<TFloat32> sortedLabels = tf.reshape(tf.gather(tf.reshape(labels, flat), flatOrder, tf.constant(0)), sortedShape);
        Operand<TInt32> along = tf.constant(1);
        Operand<TFloat32> positives = tf.sum(sortedLabels, along, Sum.keepDims(true));
        Operand<TFloat32> negativesSorted = tf.math.sub(one, sortedLabels);
        Operand<TFloat32> jaccard = jaccardLoss(tf, positives, tf.math.cumsum(sortedLabels, along),
                tf.math.cumsum(negativesSorted, along));
        Operand<TFloat32> before = jaccardLoss(tf, positives, tf.math.cumsum(sortedLabels, along, Cumsum.exclusive(true)),
                tf.math.cumsum(negativesSorted, along, Cumsum.exclusive(true)));
        Operand<TFloat32> weights = tf.stopGradient(tf.math.sub(jaccard, before));
        Operand<TFloat32> perClass = tf.sum(tf.math.mul(tf.nn.relu(sortedErrors), weights), along);
        return tf.math.mean(perClass, tf.constant(0));
    }

    /**
     * 1 - IoU when the first k sorted pixels are predicted positive: {@code 1 - (P - tp_k) / (P + fp_k)}, from the
     * positives P and the positives and negatives among the first k. The tiny term makes k = 0 of a class absent from the
     * batch (0 / 0) count as 0, as it does for every other class.
     */
    private static Operand<TFloat32> jaccardLoss(Ops tf, Operand<TFloat32> positives, Operand<TFloat32> truePositives,
                                                 Operand<TFloat32> falsePositives) {
        Operand<TFloat32> tiny = tf.constant(1e-6f);
        Operand<TFloat32> intersection = tf.math.add(tf.math.sub(positives, truePositives), tiny);
        Operand<TFloat32> union = tf.math.add(tf.math.add(positives, falsePositives), tiny);
        return tf.math.sub(tf.constant(1f), tf.math.div(intersection, union));
    }

    /** [0, 1, ..., rank-1] of x. */
    private static Operand<TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
        return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
    }

    /** [0, 1, ..., rank-2]: every axis but the class axis. */
    private static Operand<TInt32> allButLast(Ops tf, Operand<TFloat32> x) {
        return tf.range(tf.constant(0), tf.math.sub(tf.rank(x), tf.constant(1)), tf.constant(1));
    }
}
