package dev.coilsight.devstack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.replay.Replayer;

/**
 * What the demo sends: the data set once as coils (each ends on its last image), then, on a line with rolls, a coil
 * with a roll mark made of the image the segmenter found most defects on ({@link RollMarkCoil}), then, live, the data
 * set again and again until stopped.
 */
final class DemoReplay implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(DemoReplay.class);

    private final Replayer replayer;
    private final ImagePublisher publisher;
    private final ImageEvents events;
    private final List<Path> images;
    private final Replayer.Plan plan;
    private final boolean live;
    private final Optional<RollMarkCoil> rollMark;
    private final ResultWatcher results;
    private volatile int expectedImages;
    private volatile boolean stopped;

    DemoReplay(Replayer replayer, ImagePublisher publisher, ImageEvents events, List<Path> images, Replayer.Plan plan, boolean live,
               Optional<RollMarkCoil> rollMark, ResultWatcher results) {
        this.replayer = replayer;
        this.publisher = publisher;
        this.events = events;
        this.images = List.copyOf(images);
        this.plan = plan;
        this.live = live;
        this.rollMark = rollMark;
        this.results = results;
        this.expectedImages = images.size() + (rollMark.isPresent() ? RollMarkCoil.IMAGES : 0);
    }

    /** Images of the first pass and the roll-mark coil: what a run through the data set once publishes. */
    int expectedImages() {
        return expectedImages;
    }

    /** What every coil id of this replay starts with. */
    String coilPrefix() {
        return plan.coilPrefix();
    }

    Optional<String> rollMarkCoil() {
        return rollMark.map(RollMarkCoil::coilId);
    }

    void stop() {
        stopped = true;
        replayer.stop();
    }

    @Override
    public void run() {
        replayer.replay(images, new Replayer.Plan(plan.coils(), plan.imagesPerSecond(), plan.coilPrefix(), plan.cameraId(), plan.lineId(),
                plan.positionStepMm(), 1), null);
        rollMark.ifPresent(this::replayRollMark);
        if (live && !stopped) {
            replayer.replay(images, new Replayer.Plan(plan.coils(), plan.imagesPerSecond(), plan.coilPrefix() + "again-", plan.cameraId(),
                    plan.lineId(), plan.positionStepMm(), 0), null);
        }
    }

    private void replayRollMark(RollMarkCoil coil) {
        // The mark is an image the segmenter found defects on: wait until the first pass is through.
        while (!stopped && (results.classified() < images.size() || results.segmented() < results.defective())) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Optional<Path> mark = RollMarkCoil.markImage(results.segmentations(), images);
        if (stopped || mark.isEmpty()) {
            log.info("no roll-mark coil: {}", stopped ? "stopped" : "the segmenter found no defect to repeat");
            expectedImages = images.size();
            return;
        }
        try {
            coil.replay(publisher, events, mark.get(), images, plan.lineId(), plan.imagesPerSecond());
            log.info("coil {}: {} repeated every {} mm", coil.coilId(), mark.get().getFileName(), RollMarkCoil.PITCH_MM);
        } catch (IOException e) {
            log.warn("roll-mark coil not replayed: {}", e.toString());
            expectedImages = images.size();
        }
    }
}
