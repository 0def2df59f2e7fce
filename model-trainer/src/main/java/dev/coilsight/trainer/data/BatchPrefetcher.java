package dev.coilsight.trainer.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import dev.coilsight.trainer.train.TrainingGraph.Batch;

/**
 * Prepares batches on a separate thread so that decoding, cropping and augmentation overlap with
 * the training step. One producer thread keeps the order (and so the run) deterministic.
 */
public final class BatchPrefetcher implements AutoCloseable {

    private final BlockingQueue<Object> queue;
    private final Thread thread;

    public BatchPrefetcher(CropSampler sampler, int batchSize, int depth) {
        queue = new ArrayBlockingQueue<>(depth);
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    queue.put(sampler.next(batchSize));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.offer(e);
            }
        }, "batch-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    public Batch next() {
        try {
            Object item = queue.take();
            if (item instanceof RuntimeException e) {
                throw new IllegalStateException("preparing a training batch failed: " + e.getMessage(), e);
            }
            return (Batch) item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
