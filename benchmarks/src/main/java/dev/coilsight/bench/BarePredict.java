package dev.coilsight.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.Preprocessor;

/**
 * The model work of the pipeline without any streaming, as an upper bound for it: {@code threads}
 * classifier threads predict every image while {@code threads} segmenter threads predict the images
 * the classifier calls defective, each thread with its own session, in predict calls of {@code batch}
 * images (all windows of those images in one call, as the worker does). The pipeline runs the two
 * models side by side too (one worker each), so both get the same concurrency. Images are decoded and
 * pre-processed, and the defective ones found, before timing: this is bare {@code predict} in a loop.
 */
public final class BarePredict implements AutoCloseable {

    /** One phase: images/s of the whole work (every image classified, the defective ones segmented). */
    public record Result(double imagesPerSec, int images, int defective, double seconds) {
    }

    private final ClassifierDecision decision;
    private final List<Integer> defective = new ArrayList<>();
    private final List<List<Preprocessor.Prepared>> windows = new ArrayList<>();
    private final List<Preprocessor.Prepared> segmenterInputs = new ArrayList<>();
    private final List<LoadedModel.Session> classifierSessions = new ArrayList<>();
    private final List<LoadedModel.Session> segmenterSessions = new ArrayList<>();
    private final ExecutorService pool;
    private final int threads;

    /** Decodes and prepares every image for both models, opens one session per thread and model. */
    public BarePredict(LoadedModel classifier, LoadedModel segmenter, List<Path> files, int threads) {
        this.decision = new ClassifierDecision(classifier.card());
        this.threads = threads;
        ImageDecoder decoder = new ImageDecoder();
        for (Path file : files) {
            byte[] bytes = BenchInputs.read(file);
            windows.add(decision.inputs(decoder.decode(bytes, mode(classifier))));
            DecodedImage forSegmenter = decoder.decode(bytes, mode(segmenter));
            Preprocessor.Prepared prepared = segmenter.preprocessor().prepare(forSegmenter);
            if (!segmenterInputs.isEmpty() && (prepared.height() != segmenterInputs.get(0).height()
                    || prepared.width() != segmenterInputs.get(0).width())) {
                throw new IllegalArgumentException(file + " prepares to " + prepared.width() + "x" + prepared.height() + ", the first image to "
                        + segmenterInputs.get(0).width() + "x" + segmenterInputs.get(0).height() + ": use images of one size");
            }
            segmenterInputs.add(prepared);
        }
        for (int t = 0; t < threads; t++) {
            classifierSessions.add(classifier.newSession());
            segmenterSessions.add(segmenter.newSession());
        }
        this.pool = Executors.newFixedThreadPool(2 * threads);
    }

    private static ColorMode mode(LoadedModel model) {
        return ColorMode.forChannels(model.card().input().channels());
    }

    /**
     * Classifies every image once, untimed (which images go to the segmenter, and the classifier's warm-up), then runs
     * each session once per batch shape: graph optimisation and memory pools stay outside the measurements.
     */
    public void warmUp(int batch) throws InterruptedException, ExecutionException {
        LoadedModel.Session first = classifierSessions.get(0);
        for (int i = 0; i < windows.size(); i += batch) {
            List<List<Preprocessor.Prepared>> chunk = windows.subList(i, Math.min(windows.size(), i + batch));
            List<float[]> outputs = first.predict(flatten(chunk));
            int at = 0;
            for (int j = 0; j < chunk.size(); j++) {
                int n = chunk.get(j).size();
                if (decision.defective(ClassifierDecision.probability(outputs.subList(at, at + n)))) {
                    defective.add(i + j);
                }
                at += n;
            }
        }
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LoadedModel.Session c = classifierSessions.get(t);
            LoadedModel.Session s = segmenterSessions.get(t);
            done.add(pool.submit(() -> {
                for (int size : new int[] {Math.min(batch, windows.size()), 1}) {
                    c.predict(flatten(windows.subList(0, size)));
                    s.predict(segmenterInputs.subList(0, size));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** The images the classifier passes on (known after {@link #warmUp}). */
    public int defectiveCount() {
        return defective.size();
    }

    /**
     * Images/s over {@code passes} passes: classifier thread t takes images t, t + threads, .., segmenter thread t the
     * defective images t, t + threads, .., all at once; predict calls of {@code batch} images; timed until the last ends.
     */
    public Result run(int batch, int passes) throws InterruptedException, ExecutionException {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            all.add(i);
        }
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Integer> classify = share(all, t);
            List<Integer> segment = share(defective, t);
            LoadedModel.Session c = classifierSessions.get(t);
            LoadedModel.Session s = segmenterSessions.get(t);
            done.add(pool.submit(() -> {
                for (int pass = 0; pass < passes; pass++) {
                    for (int i = 0; i < classify.size(); i += batch) {
                        c.predict(flatten(classify.subList(i, Math.min(classify.size(), i + batch)).stream().map(windows::get).toList()));
                    }
                }
            }));
            done.add(pool.submit(() -> {
                for (int pass = 0; pass < passes; pass++) {
                    for (int i = 0; i < segment.size(); i += batch) {
                        s.predict(segment.subList(i, Math.min(segment.size(), i + batch)).stream().map(segmenterInputs::get).toList());
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int images = windows.size() * passes;
        return new Result(images / seconds, images, defective.size() * passes, seconds);
    }

    private List<Integer> share(List<Integer> indexes, int thread) {
        List<Integer> mine = new ArrayList<>();
        for (int i = thread; i < indexes.size(); i += threads) {
            mine.add(indexes.get(i));
        }
        return mine;
    }

    private static List<Preprocessor.Prepared> flatten(List<List<Preprocessor.Prepared>> perImage) {
        List<Preprocessor.Prepared> all = new ArrayList<>();
        perImage.forEach(all::addAll);
        return all;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        classifierSessions.forEach(LoadedModel.Session::close);
        segmenterSessions.forEach(LoadedModel.Session::close);
    }
}
