package dev.coilsight.trainer.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
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
    BCE_DICE;

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
            default -> throw new IllegalArgumentException("unknown loss '" + text + "'; expected one of bce, dice, focal-tversky, bce-dice");
        };
    }

    public Operand<TFloat32> build(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets) {
        return switch (this) {
            case BCE -> bce(tf, logits, targets);
            case DICE -> dice(tf, logits, targets);
            case FOCAL_TVERSKY -> focalTversky(tf, logits, targets);
            case BCE_DICE -> tf.math.add(bce(tf, logits, targets), dice(tf, logits, targets));
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

    /** [0, 1, ..., rank-1] of x. */
    private static Operand<TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
        return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
    }

    /** [0, 1, ..., rank-2]: every axis but the class axis. */
    private static Operand<TInt32> allButLast(Ops tf, Operand<TFloat32> x) {
        return tf.range(tf.constant(0), tf.math.sub(tf.rank(x), tf.constant(1)), tf.constant(1));
    }
}
