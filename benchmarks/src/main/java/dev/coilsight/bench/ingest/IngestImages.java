package dev.coilsight.bench.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.coilsight.bench.BenchInputs;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.IngestRejection;

/**
 * The image bytes every phase sends, read once into memory so that disk reads are not part of any
 * figure. Each file is checked as ingest checks an upload, so a file ingest would refuse stops the
 * run up front instead of turning into thousands of HTTP 400s.
 */
record IngestImages(Path folder, List<byte[]> images) {

    IngestImages {
        images = List.copyOf(images);
    }

    /** The Severstal sample (16 PNGs, 82-441 KB): real strip images of the size cameras post. */
    static Path defaultFolder() {
        return BenchInputs.sharedData().resolve("severstal-sample");
    }

    /** The JPEG/PNG files of {@code folder} (or of its train_images/ or images/), in name order. */
    static IngestImages load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("image folder " + folder + " does not exist (the default is ../shared/data/severstal-sample; "
                    + "or give --images DIR)");
        }
        ImageEvents check = new ImageEvents(ImageLimits.DEFAULT, false);
        List<Path> files = BenchInputs.images(folder, 0);
        List<byte[]> images = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = BenchInputs.read(file);
            try {
                check.build("check", new ImageMetadata("coil", "cam", 0, Instant.now(), null, null), bytes);
            } catch (IngestRejection e) {
                throw new IllegalArgumentException(file + " would be refused by ingest: " + e.getMessage(), e);
            }
            images.add(bytes);
        }
        return new IngestImages(files.get(0).getParent(), images);
    }

    /** Image number {@code i}, cycling through the set. */
    byte[] get(long i) {
        return images.get((int) (i % images.size()));
    }

    int count() {
        return images.size();
    }

    long minBytes() {
        return images.stream().mapToLong(b -> b.length).min().orElse(0);
    }

    long maxBytes() {
        return images.stream().mapToLong(b -> b.length).max().orElse(0);
    }

    double meanBytes() {
        return images.stream().mapToLong(b -> b.length).average().orElse(0);
    }

    /** The Content-Type a camera would send: PNG files start with 0x89 'P' 'N' 'G'. */
    static String contentType(byte[] image) {
        return image.length > 0 && (image[0] & 0xff) == 0x89 ? "image/png" : "image/jpeg";
    }
}
