package dev.coilsight.workerruntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Precision;

/**
 * The model a worker serves, swapped without a restart: every poll interval it reads the configured
 * directory's {@code model.json} and where the directory really is (it may be a symbolic link); when
 * the version or the target changed it loads the new model in the background, and worker threads
 * take it up between batches ({@link #current()} / {@link Lease}). The old model is closed when the
 * last thread has let it go. A model that fails to load, or is of the wrong task, is refused and the
 * current one stays.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelManager.class);

    /**
     * Where a model came from: the directory as resolved, the card's version, and what else on the card decides its
     * results (input, thresholds, minimum areas, decision, flips): a card re-tuned in place under the same version
     * (`evaluate --tune`) is taken up by every replica, not only by those started after it.
     */
    record Identity(Path realPath, String version, String decides) {
        static Identity of(Path realPath, ModelCard card) {
            return new Identity(realPath, card.version(), card.input() + " " + card.classes() + " " + card.decision() + " "
                    + card.testTimeFlips());
        }
    }

    private final String requiredTask;
    /** The last reason the model folder could not be read, while it lasts (polled every few seconds: said once). */
    private volatile String lastUnreadable;
    private final Precision precision;
    private final Duration poll;
    private final WorkerMetrics metrics;
    private final ScheduledExecutorService watcher;
    private Path configured;
    private Held current;
    /** The candidate last refused (its identity and its files' times and sizes), not tried again while unchanged. */
    private String refused;
    private final AtomicInteger loadAttempts = new AtomicInteger();
    private long generation;
    private boolean closed;

    public ModelManager(Path modelDir, String requiredTask, Precision precision, Duration poll, WorkerMetrics metrics) {
        this.configured = modelDir;
        this.requiredTask = requiredTask;
        this.precision = precision;
        this.poll = poll;
        this.metrics = metrics;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the configured model (failing if it cannot be used) and starts watching it.
     *
     * @throws LoadedModel.ModelLoadException naming what is wrong
     */
    public void start() {
        Identity identity = identify(configured);
        install(load(configured, identity), identity);
        if (!poll.isZero() && !poll.isNegative()) {
            watcher.scheduleWithFixedDelay(this::checkQuietly, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Serve the model in another directory from now on (checked at once). */
    public boolean pointTo(Path modelDir) {
        synchronized (this) {
            configured = modelDir;
        }
        return check();
    }

    /**
     * Loads the configured model if it differs from the one in use.
     *
     * @return whether a new model is now in use
     */
    public boolean check() {
        Path dir;
        synchronized (this) {
            if (closed) {
                return false;
            }
            dir = configured;
        }
        Identity identity;
        try {
            identity = identify(dir);
        } catch (RuntimeException e) {
            // model.json half-written or the link being replaced: look again next time, and say so again only when it changes.
            String problem = dir + ": " + e.getMessage();
            if (!problem.equals(lastUnreadable)) {
                log.warn("cannot read the model at {} (the model in use goes on serving; said again when this changes)", problem);
                lastUnreadable = problem;
            }
            return false;
        }
        lastUnreadable = null;
        synchronized (this) {
            if (current != null && current.identity.equals(identity)) {
                return false;
            }
        }
        // Only for a new candidate: the files are not listed on every poll of a model already in use.
        String candidate = identity + " written " + written(dir);
        synchronized (this) {
            if (candidate.equals(refused)) {
                return false;
            }
        }
        LoadedModel model;
        try {
            model = load(dir, identity);
        } catch (RuntimeException e) {
            // Not loaded again until one of its files changes: a full load every poll would go on for days.
            log.error("new model at {} (version {}) refused, still serving the current one: {}", dir, identity.version(), e.getMessage());
            synchronized (this) {
                refused = candidate;
            }
            return false;
        }
        install(model, identity);
        return true;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException | Error e) {
            // Thrown out of here, any failure would cancel the checks for good: no model would be swapped in again.
            log.error("model check failed", e);
        }
    }

    /** How many times a model's graph has been loaded (tests: a refused model is not loaded again every poll). */
    int loadAttempts() {
        return loadAttempts.get();
    }

    /** When and how big each of the model's files is: a copy still arriving (model.json before the weights) changes it. */
    private static String written(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.filter(Files::isRegularFile).sorted().map(f -> {
                try {
                    return f.getFileName() + "@" + Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f);
                } catch (IOException e) {
                    return f.getFileName() + "@unreadable";
                }
            }).collect(Collectors.joining(","));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "unknown " + System.nanoTime(); // cannot tell: try again
        }
    }

    private static Identity identify(Path dir) {
        ModelCard card = ModelCard.read(dir);
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new LoadedModel.ModelLoadException("model directory " + dir + " cannot be resolved: " + e.getMessage(), e);
        }
        return Identity.of(real, card);
    }

    private LoadedModel load(Path dir, Identity identity) {
        ModelCard card = ModelCard.read(dir);
        if (!card.task().equals(requiredTask)) {
            throw new LoadedModel.ModelLoadException("model " + card.name() + " in " + dir + " is a "
                    + card.task() + " model; this worker needs a " + requiredTask + " model");
        }
        loadAttempts.incrementAndGet();
        LoadedModel model = LoadedModel.load(dir, precision);
        if (!Objects.equals(model.card().version(), identity.version())) {
            // model.json changed between the look and the load: serve what was loaded, under its own name.
            log.info("model.json in {} changed while loading; serving version {}", dir, model.card().version());
        }
        return model;
    }

    private void install(LoadedModel model, Identity identity) {
        Held previous;
        synchronized (this) {
            if (closed) {
                model.close();
                return;
            }
            previous = current;
            current = new Held(model, Identity.of(identity.realPath(), model.card()), ++generation);
        }
        metrics.model(previous == null ? null : previous.model.card(), model.card());
        if (previous == null) {
            log.info("serving model {} version {} from {}", model.card().name(), model.card().version(), identity.realPath());
        } else {
            log.info("model swapped: {} {} -> {} {} (from {}); threads switch between batches", previous.model.card().name(),
                    previous.model.card().version(), model.card().name(), model.card().version(), identity.realPath());
            previous.release();
        }
    }

    /** The generation of the model in use: changes on every swap. */
    public synchronized long generation() {
        return generation;
    }

    /** The card of the model in use, or null before start. */
    public synchronized ModelCard card() {
        return current == null ? null : current.model.card();
    }

    /** Takes the model in use; the caller closes the lease when it moves on. */
    public synchronized Lease current() {
        if (current == null) {
            throw new IllegalStateException(closed ? "model manager closed" : "no model loaded yet");
        }
        current.retain();
        return new Lease(current);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        try {
            // A model still loading is native code the interrupt does not stop: the JVM must not exit under it.
            if (!watcher.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("a model was still loading after 60 s; stopping without waiting for it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Held last;
        synchronized (this) {
            closed = true;
            last = current;
            current = null;
        }
        if (last != null) {
            last.release();
        }
    }

    /** A loaded model and how many holders it has (the manager counts as one while it is current). */
    private static final class Held {
        final LoadedModel model;
        final Identity identity;
        final long generation;
        int refs = 1;

        Held(LoadedModel model, Identity identity, long generation) {
            this.model = model;
            this.identity = identity;
            this.generation = generation;
        }

        synchronized void retain() {
            refs++;
        }

        void release() {
            boolean last;
            synchronized (this) {
                last = --refs == 0;
            }
            if (last) {
                log.info("closing model {} version {}", model.card().name(), model.card().version());
                model.close();
            }
        }
    }

    /** One thread's hold on a model. */
    public static final class Lease implements AutoCloseable {
        private final Held held;
        private boolean released;

        private Lease(Held held) {
            this.held = held;
        }

        public LoadedModel model() {
            return held.model;
        }

        public long generation() {
            return held.generation;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                held.release();
            }
        }
    }
}
