package dev.coilsight.trainer.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ImageNet-trained MobileNetV2 of {@code ../shared/pretrained/mobilenetv2-0.35-imagenet}: a TensorFlow.js layers
 * model ({@code model.json} with a {@code weightsManifest}, and the float32 tensors back to back, little-endian, in the
 * manifest's order), read into the parameter names of {@link MobileNetV2}. The manifest's small dense head was trained
 * for an unrelated task and is left out. For a gray network the first convolution's kernel is summed over its three
 * colour channels: a gray image fed as three equal channels gives the same response.
 */
public final class ImageNetBackbone {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Keras layers of the backbone (everything up to {@code out_relu}). */
    private static final String[] BACKBONE_LAYERS = {"Conv1/", "bn_Conv1/", "expanded_conv_", "block_", "Conv_1/", "Conv_1_bn/"};

    private ImageNetBackbone() {
    }

    /** Whether {@code dir} holds a TensorFlow.js layers model (not a Coilsight SavedModel, whose card is also model.json). */
    public static boolean isTensorFlowJs(Path dir) {
        if (!Files.isRegularFile(dir.resolve("model.json")) || Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return false;
        }
        try {
            return JSON.readTree(dir.resolve("model.json").toFile()).has("weightsManifest");
        } catch (IOException e) {
            return false;
        }
    }

    /** The backbone's tensors by parameter name ({@code enc/...}), for a network of {@code channels} input channels. */
    public static Map<String, float[]> read(Path dir, int channels) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        try {
            JsonNode manifest = JSON.readTree(dir.resolve("model.json").toFile()).path("weightsManifest");
            if (!manifest.isArray() || manifest.isEmpty()) {
                throw new IllegalArgumentException(dir.resolve("model.json") + " has no weightsManifest: not a TensorFlow.js layers model");
            }
            for (JsonNode group : manifest) {
                FloatBuffer data = concatenated(dir, group.path("paths"));
                for (JsonNode tensor : group.path("weights")) {
                    String name = tensor.path("name").asText();
                    if (!"float32".equals(tensor.path("dtype").asText("float32"))) {
                        throw new IllegalArgumentException(name + " in " + dir + " is " + tensor.path("dtype").asText() + ", not float32");
                    }
                    int size = 1;
                    for (JsonNode dim : tensor.path("shape")) {
                        size *= dim.asInt();
                    }
                    if (data.remaining() < size) {
                        throw new IllegalArgumentException(dir + "'s weight files end inside " + name + " (" + size + " values announced, "
                                + data.remaining() + " left)");
                    }
                    float[] values = new float[size];
                    data.get(values);
                    if (inBackbone(name)) {
                        weights.put(Networks.ENCODER_PREFIX + name, name.equals("Conv1/kernel") && channels == 1 ? summedOverColour(values) : values);
                    }
                }
                if (data.hasRemaining()) {
                    throw new IllegalArgumentException(dir + "'s weight files hold " + data.remaining() + " values more than its manifest names");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TensorFlow.js model in " + dir + ": " + e.getMessage(), e);
        }
        return weights;
    }

    private static boolean inBackbone(String name) {
        for (String layer : BACKBONE_LAYERS) {
            if (name.startsWith(layer)) {
                return true;
            }
        }
        return false;
    }

    private static FloatBuffer concatenated(Path dir, JsonNode paths) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(0);
        for (JsonNode path : paths) {
            byte[] part = Files.readAllBytes(dir.resolve(path.asText()));
            bytes = ByteBuffer.allocate(bytes.capacity() + part.length).put(bytes.array()).put(part);
        }
        if (bytes.capacity() % Float.BYTES != 0) {
            throw new IllegalArgumentException(dir + "'s weight files are " + bytes.capacity() + " bytes, not whole float32 values");
        }
        return bytes.flip().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** A [3,3,3,out] kernel as [3,3,1,out]: the sum over the colour channels. */
    private static float[] summedOverColour(float[] rgb) {
        int out = rgb.length / 27;
        float[] gray = new float[9 * out];
        for (int k = 0; k < 9; k++) {
            for (int c = 0; c < 3; c++) {
                for (int o = 0; o < out; o++) {
                    gray[k * out + o] += rgb[(k * 3 + c) * out + o];
                }
            }
        }
        return gray;
    }
}
