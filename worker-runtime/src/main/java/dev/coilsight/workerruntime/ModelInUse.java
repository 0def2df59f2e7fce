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
 * model or device that dies on every input dies before the crash-loop breaker's journal names a record, instead of
 * counting deaths against the images; whether that, or the last batch, worked says whether a failure may be a record's.
 */
final class ModelInUse implements BatchProcessor.Predict, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelInUse.class);

    private final String thread;
    private final ModelManager models;
    private final BatchProcessor<?> processor;
    private ModelManager.Lease lease;
    private LoadedModel.Session session;
    private volatile long generation = -1;
    /** The model worked on its last input (a blank one, or a batch): a failure on the next is that input's doing. */
    private boolean proven;

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
            proven = true;
        } catch (ModelProbe.ModelUnavailableException e) {
            proven = false;
            log.warn("{}: model {} {} fails on a blank input: {}", thread, card().name(), card().version(), e.getMessage());
        }
    }

    /** Whether the model worked on its last input: else it runs on a blank one before a record may be blamed. */
    boolean proven() {
        return proven;
    }

    /** The model worked (a blank input or a batch), or failed, on its last input. */
    void worked(boolean worked) {
        proven = worked;
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
