package dev.coilsight.workerruntime;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * One worker thread's model: its lease on the {@link ModelManager}'s current model and its own Predictor session, taken
 * up between batches. A model new to the thread runs once on a blank input before any record is in flight, so that a
 * model or device that dies on every input dies where the crash-loop breaker's journal names no record, instead of
 * counting deaths against the images.
 */
final class ModelInUse implements BatchProcessor.Predict, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelInUse.class);

    private final String thread;
    private final ModelManager models;
    private final BatchProcessor<?> processor;
    private ModelManager.Lease lease;
    private LoadedModel.Session session;
    private volatile long generation = -1;

    ModelInUse(String thread, ModelManager models, BatchProcessor<?> processor) {
        this.thread = thread;
        this.models = models;
        this.processor = processor;
    }

    /** Takes up the manager's current model unless it is the one in use already. */
    void takeUpCurrent() {
        if (lease != null && lease.generation() == models.generation()) {
            return;
        }
        ModelManager.Lease next = models.current();
        LoadedModel.Session nextSession = next.model().newSession();
        boolean swapped = lease != null;
        close();
        lease = next;
        session = nextSession;
        generation = next.generation();
        if (swapped) {
            log.info("{} now uses model {} {}", thread, card().name(), card().version());
        }
        try {
            processor.checkModel(card(), this);
        } catch (ModelProbe.ModelUnavailableException e) {
            log.warn("{}: model {} {} fails on a blank input: {}", thread, card().name(), card().version(), e.getMessage());
        }
    }

    ModelCard card() {
        return lease.model().card();
    }

    @Override
    public List<float[]> predict(List<Preprocessor.Prepared> inputs) {
        return session.predict(inputs);
    }

    /** The model generation in use (-1 before the first). */
    long generation() {
        return generation;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
