package dev.coilsight.trainer.predict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.core.mask.MaskPostProcessor;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.core.rle.RleRow;

/**
 * The masks of a folder of images, with the workers' pre- and post-processing: each image decoded as the model's card
 * says (grey or RGB), optionally gated by a classifier that decides as the classifier worker does, prepared by
 * {@link Preprocessor}, run in batches of equal input size, and thresholded, cleaned and encoded by
 * {@link MaskPostProcessor}. One instance per thread (it holds a session per model).
 */
final class FolderPredictor implements AutoCloseable {

    /** What became of one image: its defect rows, or why it could not be read. */
    record Outcome(String imageId, List<RleRow> rows, boolean gatedClean, String error) {
    }

    private final LoadedModel segmenter;
    private final LoadedModel classifier;
    private final LoadedModel.Session segmenterSession;
    private final LoadedModel.Session classifierSession;
    private final ImageDecoder decoder = new ImageDecoder();
    private final int batch;

    /** {@code classifier} may be null: every image is segmented. */
    FolderPredictor(LoadedModel segmenter, LoadedModel classifier, int batch) {
        if (!segmenter.card().segmentation()) {
            throw new IllegalArgumentException(segmenter.directory() + " holds a " + segmenter.card().task()
                    + " model; --model takes a segmenter (a classifier goes to --classifier)");
        }
        if (classifier != null && classifier.card().segmentation()) {
            throw new IllegalArgumentException(classifier.directory() + " holds a segmenter; --classifier takes a classification model");
        }
        this.segmenter = segmenter;
        this.classifier = classifier;
        this.batch = batch;
        this.segmenterSession = segmenter.newSession();
        this.classifierSession = classifier == null ? null : classifier.newSession();
    }

    /** Predicts {@code files} in order, up to {@code batch} at a time; {@code done} hears of every image. */
    void predict(List<Path> files, Consumer<Outcome> done) {
        List<Path> pending = new ArrayList<>();
        List<Preprocessor.Prepared> inputs = new ArrayList<>();
        for (Path file : files) {
            String id = file.getFileName().toString();
            Preprocessor.Prepared input;
            try {
                DecodedImage image = decoder.decode(file, mode(segmenter.card()));
                if (classifier != null && !defective(file, image)) {
                    done.accept(new Outcome(id, List.of(), true, null));
                    continue;
                }
                input = segmenter.preprocessor().prepare(image);
            } catch (ImageRejectedException | java.io.UncheckedIOException | IllegalArgumentException e) {
                // An unreadable image, or one a model cannot take (smaller than the classifier's window): this image
                // fails, as a worker dead-letters it, and the others go on.
                done.accept(new Outcome(id, List.of(), false, e.getMessage()));
                continue;
            }
            pending.add(file);
            inputs.add(input);
            if (pending.size() == batch) {
                segment(pending, inputs, done);
            }
        }
        segment(pending, inputs, done);
    }

    private boolean defective(Path file, DecodedImage segmenterImage) {
        ModelCard card = classifier.card();
        DecodedImage image = mode(card) == mode(segmenter.card()) ? segmenterImage : decoder.decode(file, mode(card));
        ClassifierDecision decision = new ClassifierDecision(card);
        return decision.defective(decision.classify(classifierSession, image, batch));
    }

    /** Segments the pending images (runs of equal input size go through the model together) and empties the lists. */
    private void segment(List<Path> files, List<Preprocessor.Prepared> prepared, Consumer<Outcome> done) {
        boolean resized = segmenter.card().input().sizePolicy().equals(InputSpec.RESIZE);
        MaskPostProcessor post = new MaskPostProcessor(segmenter.card().classes());
        int i = 0;
        while (i < prepared.size()) {
            int j = i;
            while (j < prepared.size() && prepared.get(j).height() == prepared.get(i).height() && prepared.get(j).width() == prepared.get(i).width()) {
                j++;
            }
            List<float[]> outputs = segmenterSession.predict(prepared.subList(i, j));
            for (int k = i; k < j; k++) {
                Preprocessor.Prepared p = prepared.get(k);
                String id = files.get(k).getFileName().toString();
                List<RleRow> rows = post.process(outputs.get(k - i), p.height(), p.width(), p.sourceHeight(), p.sourceWidth(), resized).stream()
                        .map(d -> new RleRow(id, d.classId(), d.rle()))
                        .toList();
                done.accept(new Outcome(id, rows, false, null));
            }
            i = j;
        }
        files.clear();
        prepared.clear();
    }

    private static ColorMode mode(ModelCard card) {
        return ColorMode.forChannels(card.input().channels());
    }

    @Override
    public void close() {
        segmenterSession.close();
        if (classifierSession != null) {
            classifierSession.close();
        }
    }
}
