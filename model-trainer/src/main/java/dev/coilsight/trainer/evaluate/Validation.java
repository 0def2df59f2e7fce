package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.ndarray.Shape;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.TrainingGraph;

/**
 * Validation after each epoch, with the evaluation tower (running batch-norm statistics) and the
 * serving pre-processing: whole images padded as the model card says for a segmenter (pixel
 * threshold 0.5), windows of the training crop size for a classifier (probability 0.5).
 */
public final class Validation {

    private static final int BATCH = 8;

    private final Architecture arch;
    private final ClassMap classes;
    private final Preprocessor preprocessor;
    private final int windowHeight;
    private final int windowWidth;

    public Validation(Architecture arch, ClassMap classes, Preprocessor preprocessor, int windowHeight, int windowWidth) {
        this.arch = arch;
        this.classes = classes;
        this.preprocessor = preprocessor;
        this.windowHeight = windowHeight;
        this.windowWidth = windowWidth;
    }

    public Map<String, Double> run(TrainingGraph graph, List<LabeledImage> images) {
        return arch.kind() == Architecture.Kind.SEGMENTER ? segmentation(graph, images) : classification(graph, images);
    }

    private Map<String, Double> segmentation(TrainingGraph graph, List<LabeledImage> images) {
        SegmentationScore score = new SegmentationScore(classes.names());
        int k = arch.classes();
        for (int start = 0; start < images.size(); ) {
            // One batch holds images of the same size only.
            List<LabeledImage> batch = new ArrayList<>();
            LabeledImage first = images.get(start);
            while (start < images.size() && batch.size() < BATCH && images.get(start).height() == first.height()
                    && images.get(start).width() == first.width()) {
                batch.add(images.get(start++));
            }
            int h = preprocessor.inputHeight(first.height());
            int w = preprocessor.inputWidth(first.width());
            float[] input = new float[batch.size() * h * w * arch.channels()];
            for (int i = 0; i < batch.size(); i++) {
                LabeledImage image = batch.get(i);
                float[] values = preprocessor.prepare(new DecodedImage(image.width(), image.height(), image.channels(), image.pixels())).values();
                System.arraycopy(values, 0, input, i * values.length, values.length);
            }
            float[] probabilities = graph.predict(input, Shape.of(batch.size(), h, w, arch.channels()));
            for (int i = 0; i < batch.size(); i++) {
                LabeledImage image = batch.get(i);
                boolean[][] predicted = new boolean[k][image.height() * image.width()];
                boolean[][] truth = new boolean[k][image.height() * image.width()];
                int base = i * h * w * k;
                for (int r = 0; r < image.height(); r++) {
                    for (int c = 0; c < image.width(); c++) {
                        int p = r * image.width() + c;
                        for (int cls = 0; cls < k; cls++) {
                            predicted[cls][p] = probabilities[base + (r * w + c) * k + cls] > 0.5f;
                            truth[cls][p] = (image.classBits()[p] >> cls & 1) != 0;
                        }
                    }
                }
                score.add(predicted, truth);
            }
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("dice", score.meanDice());
        figures.put("miou", score.meanIou());
        for (int cls = 0; cls < k; cls++) {
            figures.put("iou:" + classes.names().get(cls), score.classIou(cls));
        }
        return figures;
    }

    private Map<String, Double> classification(TrainingGraph graph, List<LabeledImage> images) {
        BinaryScore windows = new BinaryScore();
        BinaryScore wholeImages = new BinaryScore();
        for (LabeledImage image : images) {
            List<int[]> origins = WindowGrid.origins(image.height(), image.width(), windowHeight, windowWidth);
            float[] probabilities = WindowGrid.predict(graph::predict, preprocessor, image, origins, windowHeight, windowWidth, BATCH);
            boolean anyPredicted = false;
            for (int i = 0; i < origins.size(); i++) {
                boolean predicted = probabilities[i] > 0.5f;
                anyPredicted |= predicted;
                windows.add(predicted, image.defectiveIn(origins.get(i)[0], origins.get(i)[1], windowHeight, windowWidth));
            }
            wholeImages.add(anyPredicted, image.defective());
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("f1", windows.f1());
        figures.put("accuracy", windows.accuracy());
        figures.put("precision", windows.precision());
        figures.put("recall", windows.recall());
        figures.put("imageAccuracy", wholeImages.accuracy());
        return figures;
    }
}
