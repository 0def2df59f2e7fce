package dev.coilsight.analytics.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.ReviewMask;

/**
 * Reviews as a data set in the Kaggle Severstal layout, which {@code ./coilsight train} and {@code evaluate} read:
 * {@code train_images/} holds every reviewed image, {@code train.csv} one row per (image, class) of its reviewed
 * masks (a rejected image has none: it is defect-free), {@code classes.txt} the classes, and {@code reviews.csv} who
 * decided what, when, on which model.
 * The last review of an image stored on the topic is its label. Reviews are taken one by one as they are read: an image is written when it
 * is first seen and only the latest review of each image, without its image, stays in memory.
 */
public final class LabelExport {

    /** What was written. */
    public record Summary(int reviewsRead, int images, int defectFree, int masks) {
    }

    private static final int SEVERSTAL_CLASSES = 4;

    private final Path out;
    private final Path images;
    private final Optional<Instant> since;
    private final Optional<String> line;
    private final Map<String, DefectReviewed> latest = new TreeMap<>();
    private final Map<String, String> imageOfFile = new HashMap<>();
    private int read;

    /** Refuses a folder that holds a data set or images already (an earlier export, finished or not). */
    public LabelExport(Path out, Optional<Instant> since, Optional<String> line) {
        this.out = out;
        this.images = out.resolve("train_images");
        this.since = since;
        this.line = line;
        try {
            if (Files.exists(out.resolve("train.csv"))) {
                throw new IllegalArgumentException(out + " already holds a data set (train.csv); choose another --out");
            }
            if (Files.isDirectory(images) && !isEmpty(images)) {
                throw new IllegalArgumentException(images + " holds images but " + out + " no train.csv (an export stopped half-way, "
                        + "or another data set): delete " + images + " or choose another --out");
            }
            Files.createDirectories(images);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** One review as read from the topic, in the topic's order: kept when it is after {@code since} on {@code line}; a later one of its image replaces it. */
    public void accept(DefectReviewed review) {
        read++;
        if (since.isPresent() && review.getReviewedAt().isBefore(since.get()) || line.isPresent() && !line.get().equals(review.getLineId())) {
            return;
        }
        if (review.getImageBytes() == null) {
            throw new IllegalArgumentException("review " + review.getReviewId() + " of image " + review.getImageId() + " carries no image");
        }
        String file = fileName(review.getImageId(), review.getImageEncoding());
        String other = imageOfFile.putIfAbsent(file, review.getImageId());
        if (other != null && !other.equals(review.getImageId())) {
            throw new IllegalArgumentException("images " + other + " and " + review.getImageId() + " map to the same file name " + file);
        }
        Path target = images.resolve(file);
        try {
            if (!Files.exists(target)) {
                byte[] bytes = new byte[review.getImageBytes().remaining()];
                review.getImageBytes().duplicate().get(bytes);
                Files.write(target, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        // An image's reviews share its coil's partition, so the one read last was stored last (review times come from the
        // clocks of whichever instances took them).
        latest.put(review.getImageId(), DefectReviewed.newBuilder(review).setImageBytes(null).build());
    }

    /** Removes what was written so far, so that an export that failed leaves nothing that a re-run would refuse. */
    public void abandon() {
        for (String file : List.of("train.csv.partial", "reviews.csv", "classes.txt")) {
            try {
                Files.deleteIfExists(out.resolve(file));
            } catch (IOException e) {
                // left for the person re-running it
            }
        }
        for (String file : imageOfFile.keySet()) {
            try {
                Files.deleteIfExists(images.resolve(file));
            } catch (IOException e) {
                // left for the person re-running it, whom the refusal names the folder to
            }
        }
    }

    /** Writes {@code train.csv} and {@code reviews.csv} from the latest review of each image. */
    public Summary finish() {
        List<RleRow> rows = new ArrayList<>();
        int defectFree = 0;
        try (Writer who = Files.newBufferedWriter(out.resolve("reviews.csv"), StandardCharsets.UTF_8)) {
            who.write("ImageId,CoilId,LineId,Reviewer,ReviewedAt,Verdict,Model,Audit\n");
            for (DefectReviewed review : latest.values()) {
                String file = fileName(review.getImageId(), review.getImageEncoding());
                for (ReviewMask mask : review.getReviewedMasks()) {
                    // One line, as reviews are stored now; one stored with its values spread over lines stays readable.
                    rows.add(new RleRow(file, mask.getClassId(), RunLengthEncoding.oneLine(mask.getRle())));
                }
                defectFree += review.getReviewedMasks().isEmpty() ? 1 : 0;
                who.write(String.join(",", csv(file), csv(review.getCoilId()), csv(Optional.ofNullable(review.getLineId()).orElse("")),
                        csv(review.getReviewer()), review.getReviewedAt().toString(), review.getVerdict().name(),
                        csv(review.getModel() == null ? "" : review.getModel().getName() + ":" + review.getModel().getVersion()),
                        String.valueOf(review.getAudit())));
                who.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("reviews.csv") + ": " + e.getMessage(), e);
        }
        writeClasses();
        // Last, and whole or not at all: a train.csv cut short would read as a data set whose missing rows are defect-free.
        Path partial = out.resolve("train.csv.partial");
        try (Writer csv = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            KaggleCsv.writeImageClass(csv, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("train.csv") + ": " + e.getMessage(), e);
        }
        try {
            Files.move(partial, out.resolve("train.csv"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("train.csv") + ": " + e.getMessage(), e);
        }
        return new Summary(read, latest.size(), defectFree, rows.size());
    }

    /**
     * {@code classes.txt}: classes 1 to the highest id reviewed (at least Severstal's 4), named as the models or reviewers
     * named them, so that a line with a fifth class trains on it (the reader takes Severstal's four without this file).
     */
    private void writeClasses() {
        Map<Integer, String> names = new TreeMap<>();
        for (DefectReviewed review : latest.values()) {
            for (ReviewMask mask : review.getModelMasks()) {
                names.putIfAbsent(mask.getClassId(), mask.getClassName());
            }
            for (ReviewMask mask : review.getReviewedMasks()) {
                names.put(mask.getClassId(), mask.getClassName());
            }
        }
        int highest = names.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        try (Writer classes = Files.newBufferedWriter(out.resolve("classes.txt"), StandardCharsets.UTF_8)) {
            for (int id = 1; id <= Math.max(SEVERSTAL_CLASSES, highest); id++) {
                String name = names.get(id);
                classes.write(id + " " + (name == null || name.isBlank() ? "class " + id : name.strip().replaceAll("\\s+", " ")) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("classes.txt") + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file name for an image id: the id itself when it is a safe name with the image's extension; else a safe form of
     * it with a short hash of the id (two ids that differ only in unsafe characters stay apart) and the extension.
     */
    static String fileName(String imageId, ImageEncoding encoding) {
        String extension = encoding == ImageEncoding.PNG ? ".png" : ".jpg";
        String safe = imageId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1);
        }
        if (!safe.equals(imageId)) {
            safe = safe + "-" + shortHash(imageId);
        }
        String lower = safe.toLowerCase(Locale.ROOT);
        boolean hasExtension = encoding == ImageEncoding.PNG ? lower.endsWith(".png") : lower.endsWith(".jpg") || lower.endsWith(".jpeg");
        return hasExtension ? safe : safe + extension;
    }

    private static String shortHash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
