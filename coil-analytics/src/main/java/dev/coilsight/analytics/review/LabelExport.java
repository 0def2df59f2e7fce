package dev.coilsight.analytics.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.rle.KaggleCsv;
import dev.coilsight.rle.RleRow;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.ReviewMask;

/**
 * Reviews as a data set in the Kaggle Severstal layout, which {@code ./coilsight train} and {@code evaluate} read:
 * {@code train_images/} holds every reviewed image, {@code train.csv} one row per (image, class) of its reviewed
 * masks (a rejected image has none: it is defect-free), and {@code reviews.csv} who decided what, when, on which model.
 * The last review of an image is its label.
 */
public final class LabelExport {

    /** What was written. */
    public record Summary(int reviewsRead, int images, int defectFree, int masks) {
    }

    private LabelExport() {
    }

    /** The last review of each image (by review time; the later read wins a tie), among those after {@code since} on {@code line}. */
    public static Collection<DefectReviewed> latest(List<DefectReviewed> reviews, Optional<Instant> since, Optional<String> line) {
        Map<String, DefectReviewed> last = new LinkedHashMap<>();
        for (DefectReviewed review : reviews) {
            if (since.isPresent() && review.getReviewedAt().isBefore(since.get())) {
                continue;
            }
            if (line.isPresent() && !line.get().equals(review.getLineId())) {
                continue;
            }
            last.merge(review.getImageId(), review, (earlier, later) -> later.getReviewedAt().isBefore(earlier.getReviewedAt()) ? earlier : later);
        }
        List<DefectReviewed> out = new ArrayList<>(last.values());
        out.sort(Comparator.comparing(DefectReviewed::getImageId));
        return out;
    }

    /** Writes the data set into {@code out}, which must not hold one already. */
    public static Summary write(Collection<DefectReviewed> labels, int reviewsRead, Path out) {
        Path images = out.resolve("train_images");
        if (Files.exists(out.resolve("train.csv"))) {
            throw new IllegalArgumentException(out + " already holds a data set (train.csv); choose another --out");
        }
        try {
            Files.createDirectories(images);
            List<RleRow> rows = new ArrayList<>();
            int defectFree = 0;
            try (Writer who = Files.newBufferedWriter(out.resolve("reviews.csv"), StandardCharsets.UTF_8)) {
                who.write("ImageId,CoilId,LineId,Reviewer,ReviewedAt,Verdict,Model,Audit\n");
                for (DefectReviewed review : labels) {
                    if (review.getImageBytes() == null) {
                        throw new IllegalArgumentException("review " + review.getReviewId() + " of image " + review.getImageId()
                                + " carries no image; it cannot be exported");
                    }
                    String file = fileName(review.getImageId(), review.getImageEncoding());
                    Path target = images.resolve(file);
                    if (Files.exists(target)) {
                        throw new IllegalArgumentException("two reviewed images map to the file name " + file + "; export them apart");
                    }
                    byte[] bytes = new byte[review.getImageBytes().remaining()];
                    review.getImageBytes().duplicate().get(bytes);
                    Files.write(target, bytes);
                    for (ReviewMask mask : review.getReviewedMasks()) {
                        rows.add(new RleRow(file, mask.getClassId(), mask.getRle()));
                    }
                    defectFree += review.getReviewedMasks().isEmpty() ? 1 : 0;
                    who.write(String.join(",", csv(file), csv(review.getCoilId()), csv(Optional.ofNullable(review.getLineId()).orElse("")),
                            csv(review.getReviewer()), review.getReviewedAt().toString(), review.getVerdict().name(),
                            csv(review.getModel() == null ? "" : review.getModel().getName() + ":" + review.getModel().getVersion()),
                            String.valueOf(review.getAudit())));
                    who.write('\n');
                }
            }
            try (Writer csv = Files.newBufferedWriter(out.resolve("train.csv"), StandardCharsets.UTF_8)) {
                KaggleCsv.writeImageClass(csv, rows);
            }
            return new Summary(reviewsRead, labels.size(), defectFree, rows.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data set into " + out + ": " + e.getMessage(), e);
        }
    }

    /** A file name for an image id: the id itself when it is a safe name with the image's extension, else a safe form of it plus one. */
    static String fileName(String imageId, ImageEncoding encoding) {
        String extension = encoding == ImageEncoding.PNG ? ".png" : ".jpg";
        String safe = imageId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1);
        }
        String lower = safe.toLowerCase(Locale.ROOT);
        boolean hasExtension = encoding == ImageEncoding.PNG ? lower.endsWith(".png") : lower.endsWith(".jpg") || lower.endsWith(".jpeg");
        return hasExtension ? safe : safe + extension;
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
