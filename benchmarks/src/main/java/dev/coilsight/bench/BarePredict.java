package dev.coilsight.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.coilsight.image.ColorMode;
import dev.coilsight.image.DecodedImage;
import dev.coilsight.image.ImageDecoder;
import dev.coilsight.model.ClassifierDecision;
import dev.coilsight.model.LoadedModel;
import dev.coilsight.model.Preprocessor;

/**
 * The model work of the pipeline without any streaming: the classifier on every image, then the
 * segmenter on the images it calls defective, by {@code threads} threads with their own sessions, in
 * predict calls of {@code batch} images (all windows of those images in one call, as the worker
 * does). Images are decoded and pre-processed before timing: this is bare {@code predict} in a loop.
 */
public final class BarePredict implements AutoCloseable {

    /** One phase: images/s and which images (by index) the classifier passed on to the segmenter. */
    public record Result(double imagesPerSec, int images, int defective, double seconds) {
    }

    private final LoadedModel classifier;
    private final LoadedModel segmenter;
    private final ClassifierDecision decision;
    private final List<List<Preprocessor.Prepared>> windows = new ArrayList<>();
    private final List<Preprocessor.Prepared> segmenterInputs = new ArrayList<>();
    private final List<LoadedModel.Session> classifierSessions = new ArrayList<>();
    private final List<LoadedModel.Session> segmenterSessions = new ArrayList<>();
    private final ExecutorService pool;
    private final int threads;

    /** Decodes and prepares every image for both models, opens one session per thread and model. */
    public BarePredict(LoadedModel classifier, LoadedModel segmenter, List<Path> files, int threads) {
        this.classifier = classifier;
        this.segmenter = segmenter;
        this.decision = new ClassifierDecision(classifier.card());
        this.threads = threads;
        ImageDecoder decoder = new ImageDecoder();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
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
        this.pool = Executors.newFixedThreadPool(threads);
    }

    private static ColorMode mode(LoadedModel model) {
        return model.card().input().channels() == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
    }

    /** The first runs of each session and shape (graph optimisation, memory pools) stay outside the measurements. */
    public void warmUp(int batch) throws InterruptedException, ExecutionException {
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

    /** Images/s over {@code passes} passes, thread t taking images t, t + threads, ..; predict calls of {@code batch} images. */
    public Result run(int batch, int passes) throws InterruptedException, ExecutionException {
        long started = System.nanoTime();
        List<Future<int[]>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Integer> share = new ArrayList<>();
            for (int i = t; i < windows.size(); i += threads) {
                share.add(i);
            }
            LoadedModel.Session c = classifierSessions.get(t);
            LoadedModel.Session s = segmenterSessions.get(t);
            done.add(pool.submit(() -> {
                int images = 0;
                int defective = 0;
                for (int pass = 0; pass < passes; pass++) {
                    List<Preprocessor.Prepared> toSegment = new ArrayList<>();
                    for (int i = 0; i < share.size(); i += batch) {
                        List<Integer> chunk = share.subList(i, Math.min(share.size(), i + batch));
                        List<float[]> outputs = c.predict(flatten(chunk.stream().map(windows::get).toList()));
                        int at = 0;
                        for (int image : chunk) {
                            int n = windows.get(image).size();
                            if (decision.defective(ClassifierDecision.probability(outputs.subList(at, at + n)))) {
                                toSegment.add(segmenterInputs.get(image));
                            }
                            at += n;
                        }
                        images += chunk.size();
                    }
                    for (int i = 0; i < toSegment.size(); i += batch) {
                        s.predict(toSegment.subList(i, Math.min(toSegment.size(), i + batch)));
                    }
                    defective += toSegment.size();
                }
                return new int[] {images, defective};
            }));
        }
        int images = 0;
        int defective = 0;
        for (Future<int[]> f : done) {
            int[] counts = f.get();
            images += counts[0];
            defective += counts[1];
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(images / seconds, images, defective, seconds);
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
