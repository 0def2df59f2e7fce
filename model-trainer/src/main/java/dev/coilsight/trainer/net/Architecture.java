package dev.coilsight.trainer.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.core.model.ModelCard;

/**
 * The shape of a network: which kind, how many input channels and output classes, which encoder, how wide
 * (filters of the first block) and how deep (encoder stages, each halving the size).
 * Inputs must have a height and width divisible by {@code 2^(depth+1)}.
 *
 * @param kind        segmenter (ResUNet) or classifier (ResNet-style, same encoder)
 * @param channels    1 (gray) or 3 (RGB)
 * @param classes     output channels: defect classes for a segmenter, 1 ("defective") for a classifier
 * @param width       filters of the first block and of the first residual stage; each later stage doubles them (stage
 *                    {@code i >= 1} has {@code width * 2^(i-1)}), the bottleneck has {@code width * 2^depth}, all capped at
 *                    {@code 8 * width} ({@link #filters}, {@link #bottleneckFilters})
 * @param depth       residual encoder stages after the first block (the shipped models use 3); with the MobileNetV2
 *                    encoder always 4, the decoder stages between its stride-32 output and its stride-2 skip
 * @param encoder     the project's residual encoder, trained from scratch or from another Coilsight model, or the
 *                    ImageNet-trained MobileNetV2 backbone (whose width {@code width} then only sets the decoder's)
 */
public record Architecture(Kind kind, int channels, int classes, int width, int depth, Encoder encoder) {

    public enum Kind { SEGMENTER, CLASSIFIER }

    /** The encoder of the network, by the name {@code --encoder} and the model card use. */
    public enum Encoder {
        RESNET("resnet"),
        /** Keras' MobileNetV2 at width multiplier 0.35 ({@link MobileNetV2}). */
        MOBILENETV2_035("mobilenetv2-0.35");

        private final String label;

        Encoder(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Encoder parse(String label) {
            for (Encoder encoder : values()) {
                if (encoder.label.equals(label)) {
                    return encoder;
                }
            }
            throw new IllegalArgumentException("unknown encoder '" + label + "': use resnet or mobilenetv2-0.35");
        }
    }

    /** The project's residual encoder. */
    public Architecture(Kind kind, int channels, int classes, int width, int depth) {
        this(kind, channels, classes, width, depth, Encoder.RESNET);
    }

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
        if (encoder == Encoder.MOBILENETV2_035 && depth != MobileNetV2.DEPTH) {
            throw new IllegalArgumentException("the mobilenetv2-0.35 encoder has " + MobileNetV2.DEPTH + " stages (inputs a multiple of 32), got depth " + depth);
        }
        if (encoder == null) {
            throw new IllegalArgumentException("encoder must be given");
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

    /** The card's {@code architecture.type} of a model that averages several networks (an ensemble). */
    public static final String ENSEMBLE = "ensemble";

    /**
     * The architecture a model card records (Coilsight's own models); empty for a card without one (a Keras model) and
     * for an ensemble, which records its members' ({@link #recordedMembers}).
     */
    public static Optional<Architecture> recorded(ModelCard card) {
        return recorded(card.architecture(), card);
    }

    /** Every network the model runs on an image: its own, or each member's of an ensemble; empty where a card records none. */
    public static List<Architecture> recordedMembers(ModelCard card) {
        Map<String, Object> recorded = card.architecture();
        if (recorded != null && ENSEMBLE.equals(recorded.get("type")) && recorded.get("members") instanceof List<?> members) {
            List<Architecture> architectures = new ArrayList<>();
            for (Object member : members) {
                if (!(member instanceof Map<?, ?> map)) {
                    return List.of();
                }
                @SuppressWarnings("unchecked")
                Optional<Architecture> one = recorded((Map<String, Object>) map, card);
                if (one.isEmpty()) {
                    return List.of();
                }
                architectures.add(one.get());
            }
            return architectures;
        }
        return recorded(card).map(List::of).orElse(List.of());
    }

    private static Optional<Architecture> recorded(Map<String, Object> recorded, ModelCard card) {
        if (recorded == null || !(recorded.get("width") instanceof Number width) || !(recorded.get("depth") instanceof Number depth)) {
            return Optional.empty();
        }
        Kind kind = card.segmentation() ? Kind.SEGMENTER : Kind.CLASSIFIER;
        int channels = recorded.get("channels") instanceof Number n ? n.intValue() : card.input().channels();
        int outputs = recorded.get("outputs") instanceof Number n ? n.intValue() : card.segmentation() ? card.classes().size() : 1;
        Encoder encoder = recorded.get("encoder") instanceof String label ? Encoder.parse(label) : Encoder.RESNET;
        return Optional.of(new Architecture(kind, channels, outputs, width.intValue(), depth.intValue(), encoder));
    }

    public List<String> describe() {
        return List.of(kind.name().toLowerCase(), encoder.label() + " encoder", channels + " channel(s)", classes + " output(s)", "width " + width,
                "depth " + depth);
    }
}
