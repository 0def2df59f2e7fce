package dev.coilsight.trainer.evaluate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.mask.MaskPostProcessor;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.core.model.TestTimeFlips;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.DatasetLoader;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.net.ModelArithmetic;

/**
 * Offline evaluation of a model directory, loaded with DJL exactly as the workers load it, with
 * the serving pre- and post-processing from {@code inspection-core}: Kaggle mean Dice, per-class
 * Dice/IoU and presence precision/recall/F1 for a segmenter; accuracy, precision, recall, F1 and
 * the confusion matrix for a classifier; the trivial baselines next to them.
 */
public final class Evaluator {

    private static final int BATCH = 4;

    /** What an image looked like after inference, for the report's overlays. */
    public record Example(String imageId, DecodedImage image, Map<Integer, BinaryMask> truth, Map<Integer, BinaryMask> predicted) {
    }

    private final LoadedModel model;
    private final PrintStream progress;
    private final TestTimeFlips flips;

    /** Predicts as the card says, test-time flips included. */
    public Evaluator(LoadedModel model, PrintStream progress) {
        this(model, model.card().flips(), progress);
    }

    /** Predicts with these test-time flips instead of the card's. */
    public Evaluator(LoadedModel model, TestTimeFlips flips, PrintStream progress) {
        this.model = model;
        this.flips = flips;
        this.progress = progress;
    }

    public ClassMap classMap(LabeledDataset dataset) {
        ModelCard card = model.card();
        if (card.segmentation()) {
            // In the card's channel order, which the predictions follow (a hand-written card need not sort its ids).
            return new ClassMap(card.classes().stream().map(ModelCard.ClassSpec::id).toList(),
                    card.classes().stream().map(ModelCard.ClassSpec::name).toList());
        }
        SortedMap<Integer, String> all = new TreeMap<>(dataset.classNames());
        return all.isEmpty() ? ClassMap.parse("1=defect") : ClassMap.of(all);
    }

    /**
     * Evaluates every image of the dataset; calls {@code examples} for each image (cheap to ignore).
     * With a sweep objective, also chooses per-class post-processing (segmenters).
     */
    public EvaluationResult evaluate(LabeledDataset dataset, ThresholdSweep.Objective sweep, Consumer<Example> examples) {
        return evaluate(dataset, sweep, null, examples);
    }

    /**
     * As {@link #evaluate(LabeledDataset, ThresholdSweep.Objective, Consumer)}, and adds this model's
     * probabilities of every image to {@code collect} (when not null) for a sweep over several models'
     * held-out predictions.
     */
    public EvaluationResult evaluate(LabeledDataset dataset, ThresholdSweep.Objective sweep, ThresholdSweep collect,
            Consumer<Example> examples) {
        ClassMap classes = classMap(dataset);
        int channels = model.card().input().channels();
        DatasetLoader loader = model.card().segmentation() ? new DatasetLoader(classes, channels) : DatasetLoader.defectOrNot(channels);
        List<String> ids = dataset.imageIds();
        long started = System.nanoTime();
        long inferenceNanos = 0;
        Map<List<Integer>, Integer> imagesBySize = new HashMap<>();
        ModelCard served = model.card().withFlips(flips);
        EvaluationResult.Builder result = new EvaluationResult.Builder(served);
        ThresholdSweep thresholdSweep = sweep != null && model.card().segmentation() ? new ThresholdSweep(classes.size()) : null;
        try (LoadedModel.Session session = model.newSession(flips); ProgressBar bar = new ProgressBar("evaluating", ids.size(), progress)) {
            for (int start = 0; start < ids.size(); start += BATCH) {
                List<LabeledImage> batch = new ArrayList<>();
                for (String id : ids.subList(start, Math.min(ids.size(), start + BATCH))) {
                    batch.add(loader.load(dataset, id));
                }
                for (LabeledImage image : batch) {
                    imagesBySize.merge(List.of(image.height(), image.width()), 1, Integer::sum);
                }
                long t = System.nanoTime();
                if (model.card().segmentation()) {
                    List<float[]> outputs = predictSegmentation(session, batch);
                    inferenceNanos += System.nanoTime() - t;
                    for (int i = 0; i < batch.size(); i++) {
                        scoreSegmentation(batch.get(i), outputs.get(i), result, thresholdSweep, collect, examples);
                    }
                } else {
                    for (LabeledImage image : batch) {
                        double probability = classify(session, image);
                        result.addClassification(image.id(), probability, image.defective());
                        examples.accept(new Example(image.id(), decoded(image), truthMasks(image, classes), Map.of()));
                    }
                    inferenceNanos += System.nanoTime() - t;
                }
                bar.stepBy(batch.size());
            }
        }
        if (!loader.unpredictedClasses().isEmpty()) {
            // Scored as the card's classes only; predict + score would count each such (image, class) pair as missed.
            progress.println("note: the images also label class(es) the model does not predict, left out of every figure here "
                    + "(class id=images): " + loader.unpredictedClasses());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        result.throughput(ids.size() / seconds, ids.size() / Math.max(1e-9, inferenceNanos / 1e9));
        // Counted after the clock stopped: each size builds a graph to count its operations.
        double gflop = 0;
        for (Map.Entry<List<Integer>, Integer> size : imagesBySize.entrySet()) {
            OptionalDouble perImage = ModelArithmetic.gflopPerImage(served, size.getKey().get(0), size.getKey().get(1));
            gflop += perImage.orElse(Double.NaN) * size.getValue();
        }
        if (!ids.isEmpty() && !Double.isNaN(gflop)) {
            result.arithmetic(gflop / ids.size());
        }
        if (thresholdSweep != null) {
            result.sweep(thresholdSweep.choose(sweep), sweep);
        }
        return result.build();
    }

    /** Runs images of equal size together; returns per image the probabilities cropped or resized to the image (HWC). */
    private List<float[]> predictSegmentation(LoadedModel.Session session, List<LabeledImage> batch) {
        Preprocessor pre = model.preprocessor();
        List<Preprocessor.Prepared> prepared = batch.stream().map(image -> pre.prepare(decoded(image))).toList();
        List<float[]> outputs = new ArrayList<>();
        int i = 0;
        while (i < prepared.size()) {
            int j = i;
            while (j < prepared.size() && prepared.get(j).height() == prepared.get(i).height() && prepared.get(j).width() == prepared.get(i).width()) {
                j++;
            }
            outputs.addAll(session.predict(prepared.subList(i, j)));
            i = j;
        }
        return outputs;
    }

    private void scoreSegmentation(LabeledImage image, float[] output, EvaluationResult.Builder result, ThresholdSweep sweep, ThresholdSweep collect,
                                   Consumer<Example> examples) {
        Preprocessor pre = model.preprocessor();
        int inH = pre.inputHeight(image.height());
        int inW = pre.inputWidth(image.width());
        boolean resized = model.card().input().sizePolicy().equals(dev.coilsight.core.model.InputSpec.RESIZE);
        List<MaskPostProcessor.DefectMask> defects = new MaskPostProcessor(model.card().classes())
                .process(output, inH, inW, image.height(), image.width(), resized);
        int k = model.card().classes().size();
        int pixels = image.height() * image.width();
        boolean[][] predicted = new boolean[k][pixels];
        boolean[][] truth = new boolean[k][pixels];
        double[] presence = new double[k];
        Map<Integer, BinaryMask> predictedMasks = new LinkedHashMap<>();
        for (MaskPostProcessor.DefectMask d : defects) {
            int cls = indexOf(d.classId());
            predictedMasks.put(d.classId(), d.mask());
            for (int r = 0; r < image.height(); r++) {
                for (int c = 0; c < image.width(); c++) {
                    predicted[cls][r * image.width() + c] = d.mask().get(r, c);
                }
            }
        }
        float[] cropped = new float[pixels * k];
        for (int r = 0; r < image.height(); r++) {
            for (int c = 0; c < image.width(); c++) {
                int sr = resized ? Math.min(inH - 1, (int) ((r + 0.5) * inH / image.height())) : r;
                int sc = resized ? Math.min(inW - 1, (int) ((c + 0.5) * inW / image.width())) : c;
                int p = r * image.width() + c;
                for (int cls = 0; cls < k; cls++) {
                    float v = output[(sr * inW + sc) * k + cls];
                    cropped[p * k + cls] = v;
                    presence[cls] = Math.max(presence[cls], v);
                    truth[cls][p] = (image.classBits()[p] >> cls & 1) != 0;
                }
            }
        }
        result.addSegmentation(predicted, truth, presence);
        if (collect != null) {
            collect.add(image.height(), image.width(), cropped, truth);
        }
        if (sweep != null) {
            sweep.add(image.height(), image.width(), cropped, truth);
        }
        examples.accept(new Example(image.id(), decoded(image), masksOf(truth, image), predictedMasks));
    }

    private int indexOf(int classId) {
        List<ModelCard.ClassSpec> classes = model.card().classes();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).id() == classId) {
                return i;
            }
        }
        throw new IllegalStateException("unknown class " + classId);
    }

    private Map<Integer, BinaryMask> masksOf(boolean[][] truth, LabeledImage image) {
        Map<Integer, BinaryMask> masks = new LinkedHashMap<>();
        for (int cls = 0; cls < truth.length; cls++) {
            BinaryMask m = new BinaryMask(image.height(), image.width());
            boolean any = false;
            for (int p = 0; p < truth[cls].length; p++) {
                if (truth[cls][p]) {
                    m.set(p / image.width(), p % image.width(), true);
                    any = true;
                }
            }
            if (any) {
                masks.put(model.card().classes().get(cls).id(), m);
            }
        }
        return masks;
    }

    private static Map<Integer, BinaryMask> truthMasks(LabeledImage image, ClassMap classes) {
        Map<Integer, BinaryMask> masks = new LinkedHashMap<>();
        for (int cls = 0; cls < classes.size(); cls++) {
            BinaryMask m = new BinaryMask(image.height(), image.width());
            boolean any = false;
            for (int p = 0; p < image.classBits().length; p++) {
                if ((image.classBits()[p] >> cls & 1) != 0) {
                    m.set(p / image.width(), p % image.width(), true);
                    any = true;
                }
            }
            if (any) {
                masks.put(classes.ids().get(cls), m);
            }
        }
        return masks;
    }

    /** Probability that the image is defective: the whole image, or the most defective window (as the worker decides). */
    private double classify(LoadedModel.Session session, LabeledImage image) {
        return new ClassifierDecision(model.card()).classify(session, decoded(image), 8);
    }

    private static DecodedImage decoded(LabeledImage image) {
        return new DecodedImage(image.width(), image.height(), image.channels(), image.pixels());
    }
}
