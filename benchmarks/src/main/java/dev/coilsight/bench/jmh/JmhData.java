package dev.coilsight.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.coilsight.bench.BenchInputs;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;

/** Inputs of the JMH benchmarks: real Severstal ground truth and images from ../shared/data, made-up worst cases. */
public final class JmhData {

    public static final int HEIGHT = 256;
    public static final int WIDTH = 1600;
    /** One byte per pixel: the mask bytes an encode reads. */
    public static final long MASK_BYTES = (long) HEIGHT * WIDTH;

    private JmhData() {
    }

    /** The ground-truth rows of severstal-train (68 images), else severstal-sample. */
    public static List<RleRow> groundTruth() {
        for (String set : List.of("severstal-train", "severstal-sample")) {
            Path csv = BenchInputs.sharedData().resolve(set).resolve("train.csv");
            if (Files.isRegularFile(csv)) {
                return KaggleCsv.readAll(csv);
            }
        }
        throw new IllegalStateException("no Severstal train.csv under " + BenchInputs.sharedData() + " (set -Dcoilsight.shared.data)");
    }

    /** Every real ground-truth mask, 256x1600: defect densities as they occur. */
    public static List<BinaryMask> realMasks() {
        List<BinaryMask> masks = new ArrayList<>();
        for (RleRow row : groundTruth()) {
            masks.add(RunLengthEncoding.decode(row.rle(), HEIGHT, WIDTH));
        }
        return masks;
    }

    /** The worst case: every other pixel on, one run per two pixels (204,800 runs). */
    public static BinaryMask alternatingMask() {
        byte[] pixels = new byte[HEIGHT * WIDTH];
        for (int i = 0; i < pixels.length; i += 2) {
            pixels[i] = 1;
        }
        return BinaryMask.wrapColumnMajor(HEIGHT, WIDTH, pixels);
    }

    /** A real 1600x256 Severstal stream image's bytes (the first in name order). */
    public static byte[] streamImage() throws java.io.IOException {
        return Files.readAllBytes(BenchInputs.images(BenchInputs.defaultStreamImages(), 1).get(0));
    }
}
