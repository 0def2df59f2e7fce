package dev.coilsight.trainer.net;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.model.ModelCard;

/**
 * The shape of a network: which kind, how many input channels and output classes, how wide
 * (filters of the first block) and how deep (residual encoder stages, each halving the size).
 * Inputs must have a height and width divisible by {@code 2^(depth+1)}.
 *
 * @param kind        segmenter (ResUNet) or classifier (ResNet-style, same encoder)
 * @param channels    1 (gray) or 3 (RGB)
 * @param classes     output channels: defect classes for a segmenter, 1 ("defective") for a classifier
 * @param width       filters of the first block and of the first residual stage; each later stage doubles them (stage
 *                    {@code i >= 1} has {@code width * 2^(i-1)}), the bottleneck has {@code width * 2^depth}, all capped at
 *                    {@code 8 * width} ({@link #filters}, {@link #bottleneckFilters})
 * @param depth       residual encoder stages after the first block (the shipped models use 3)
 */
public record Architecture(Kind kind, int channels, int classes, int width, int depth) {

    public enum Kind { SEGMENTER, CLASSIFIER }

    public Architecture {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        if (width < 1 || depth < 1 || depth > 6) {
            throw new IllegalArgumentException("width must be >= 1 and depth in 1..6, got width " + width + ", depth " + depth);
        }
    }

    /** Height and width of inputs must be multiples of this. */
    public int sizeMultiple() {
        return 1 << (depth + 1);
    }

    /** Filters of encoder stage {@code i} (0 = first block). */
    public int filters(int stage) {
        return width * Math.min(8, 1 << Math.max(0, stage - 1));
    }

    /** Filters of the bottleneck. */
    public int bottleneckFilters() {
        return width * Math.min(8, 1 << depth);
    }

    /** The architecture a model card records (Coilsight's own models); empty for a card without one (a Keras model). */
    public static Optional<Architecture> recorded(ModelCard card) {
        Map<String, Object> recorded = card.architecture();
        if (recorded == null || !(recorded.get("width") instanceof Number width) || !(recorded.get("depth") instanceof Number depth)) {
            return Optional.empty();
        }
        Kind kind = card.segmentation() ? Kind.SEGMENTER : Kind.CLASSIFIER;
        int channels = recorded.get("channels") instanceof Number n ? n.intValue() : card.input().channels();
        int outputs = recorded.get("outputs") instanceof Number n ? n.intValue() : card.segmentation() ? card.classes().size() : 1;
        return Optional.of(new Architecture(kind, channels, outputs, width.intValue(), depth.intValue()));
    }

    public List<String> describe() {
        return List.of(kind.name().toLowerCase(), channels + " channel(s)", classes + " output(s)", "width " + width, "depth " + depth);
    }
}
