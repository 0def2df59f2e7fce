package dev.coilsight.serviceruntime.deadletter;

import java.util.function.BiConsumer;

import dev.coilsight.cli.ProgressBar;

/** A progress bar over a topic's records, drawn once the first read has said how many there are. */
final class ScanProgress implements BiConsumer<Long, Long>, AutoCloseable {

    private final String task;
    private ProgressBar bar;

    ScanProgress(String topic) {
        this.task = "reading " + topic;
    }

    @Override
    public void accept(Long read, Long total) {
        if (bar == null) {
            bar = new ProgressBar(task, Math.max(1, total));
        }
        bar.update(read);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
