package dev.coilsight.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.devstack.faults.CommittedOutputs.DeadLetter;
import dev.coilsight.ingest.IngestService;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.SharedData;

/**
 * The fault matrix: one line with the default models ({@link FaultLine}) meets one fault per test, on images of a
 * coil of its own, and every image accepted must come out exactly once in the committed outputs (classified or
 * dead-lettered, and when defective forwarded once and segmented or dead-lettered once) with nobody's help but an
 * orchestrator's restarts. The table of what happened is written to {@code target/fault-matrix.md} (the processes' logs to
 * {@code target/fault-matrix-logs/}); docs/RELIABILITY.md reports it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {

    private static final Logger log = LoggerFactory.getLogger(FaultMatrixIT.class);
    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int IMAGES = 12;
    /** Half the session timeout: a worker started again takes its partitions back as a static member, before the dead one's session ends. */
    private static final Duration RECLAIMED_AT_MOST = FaultLine.SESSION_TIMEOUT.dividedBy(2);
    /** Waited for a killed worker's partitions: past the session timeout, so that a late reassignment fails the assertion, not the wait. */
    private static final Duration RECLAIM = FaultLine.SESSION_TIMEOUT.plusMinutes(1);

    @TempDir
    static Path dir;

    private FaultLine line;
    private List<byte[]> jpegs;
    private int nextImage;
    private final List<String> table = new ArrayList<>();

    @BeforeAll
    void startTheLine() throws Exception {
        try (Stream<Path> files = Files.list(SharedData.require("severstal-stream").resolve("images"))) {
            jpegs = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                jpegs.add(Files.readAllBytes(file));
            }
        }
        line = FaultLine.start(dir, Path.of("target", "fault-matrix-logs"));
    }

    @AfterAll
    void stopTheLine() throws Exception {
        if (line != null) {
            line.close();
        }
        List<String> report = new ArrayList<>(List.of("| fault | what the system did | images | lost | duplicated | test |", "|---|---|---|---|---|---|"));
        report.addAll(table);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "fault-matrix.md"), report);
        log.info("fault matrix:\n{}", String.join("\n", report));
    }

    @Test
    @Order(1)
    void aClassifierKilledMidBatchIsStartedAgainAndLosesOrDuplicatesNothing() throws Exception {
        int exitsBefore = line.classifier().exits().size();
        Set<String> ids = upload("fault-kill-classifier", IMAGES);
        Await.until(WAIT, () -> classified(ids) >= 2, "the classifier has committed some of the images");
        long killedAt = System.nanoTime();
        line.classifier().kill();
        int atKill = classified(ids);
        Duration reclaimed = partitionsBack(line.classifier(), killedAt);
        Tally tally = line.settle(ids, SETTLE);

        assertThat(atKill).as("killed mid-stream").isLessThan(IMAGES);
        assertThat(reclaimed).as("partitions back long before the dead member's session timeout").isLessThan(RECLAIMED_AT_MOST);
        assertThat(line.classifier().exits().subList(exitsBefore, line.classifier().exits().size())).containsExactly(137);
        row("SIGKILL of the classifier mid-batch", "killed with " + atKill + " of " + IMAGES + " classified; started again, it had its "
                + "partitions back " + reclaimed.toSeconds() + " s after the kill and read its uncommitted batch again", tally,
                "aClassifierKilledMidBatchIsStartedAgainAndLosesOrDuplicatesNothing");
    }

    @Test
    @Order(2)
    void aSegmenterKilledMidBatchIsStartedAgainAndLosesOrDuplicatesNothing() throws Exception {
        int exitsBefore = line.segmenter().exits().size();
        Set<String> ids = upload("fault-kill-segmenter", 2 * IMAGES);
        Await.until(SETTLE, () -> segmented(ids) >= 1 && forwarded(ids) > segmented(ids) + 1,
                "the segmenter has committed some defective images and has more to do");
        long killedAt = System.nanoTime();
        line.segmenter().kill();
        int atKill = segmented(ids);
        int waiting = forwarded(ids) - atKill;
        Duration reclaimed = partitionsBack(line.segmenter(), killedAt);
        Tally tally = line.settle(ids, SETTLE);

        assertThat(reclaimed).as("partitions back long before the dead member's session timeout").isLessThan(RECLAIMED_AT_MOST);
        assertThat(line.segmenter().exits().subList(exitsBefore, line.segmenter().exits().size())).containsExactly(137);
        row("SIGKILL of the segmenter mid-batch", "killed with " + atKill + " segmented and " + waiting + " waiting; started again, it had "
                + "its partitions back " + reclaimed.toSeconds() + " s after the kill", tally,
                "aSegmenterKilledMidBatchIsStartedAgainAndLosesOrDuplicatesNothing");
    }

    @Test
    @Order(3)
    void theBrokerStoppedAndStartedAgainMidStreamLosesOrDuplicatesNothing() throws Exception {
        List<Integer> classifierExits = line.classifier().exits();
        List<Integer> segmenterExits = line.segmenter().exits();
        Set<String> ids = upload("fault-broker-restart", IMAGES);
        Await.until(WAIT, () -> classified(ids) >= 2, "the classifier has committed some of the images");
        line.stopBroker();
        int atStop = classified(ids);
        Thread.sleep(5_000);
        line.startBroker();
        Tally tally = line.settle(ids, SETTLE);

        List<Integer> exits = new ArrayList<>(since(line.classifier().exits(), classifierExits));
        exits.addAll(since(line.segmenter().exits(), segmenterExits));
        String restarts = exits.isEmpty() ? "no worker exited" : "worker exits meanwhile (restarted by the test's orchestrator): "
                + "classifier " + since(line.classifier().exits(), classifierExits) + ", segmenter " + since(line.segmenter().exits(), segmenterExits);
        row("the broker stopped (SIGTERM) for 5 s and started again mid-stream", "stopped with " + atStop + " of " + IMAGES
                + " classified; the workers reconnected by themselves; " + restarts, tally, "theBrokerStoppedAndStartedAgainMidStreamLosesOrDuplicatesNothing");
    }

    @Test
    @Order(4)
    void theRegistryStoppedAndStartedAgainLosesOrDuplicatesNothing() throws Exception {
        List<Integer> classifierExits = line.classifier().exits();
        line.registry().stop();
        Set<String> ids = upload("fault-registry-restart", IMAGES);
        Thread.sleep(5_000);
        int duringOutage = classified(ids);
        line.registry().restart();
        Tally tally = line.settle(ids, SETTLE);

        assertThat(since(line.classifier().exits(), classifierExits)).isEmpty();
        row("the registry stopped, images uploaded, started again after 5 s", "ingest and the workers went on with the schemas they "
                + "knew: " + duringOutage + " of " + IMAGES + " classified during the outage; no worker exit", tally, "theRegistryStoppedAndStartedAgainLosesOrDuplicatesNothing");
    }

    @Test
    @Order(5)
    void aRecordThatCrashesTheClassifierIsDeadLetteredAfterTwoDeathsAndTheRestGoOn() throws Exception {
        int exitsBefore = line.classifier().exits().size();
        Set<String> ids = new LinkedHashSet<>(upload("fault-crash", IMAGES / 2));
        line.publish(ImageCaptured.newBuilder().setImageId(FaultLine.CRASHING_IMAGE).setCoilId("fault-crash").setCameraId("fault-matrix")
                .setSequence(0).setCapturedAt(Instant.now()).setEncoding(ImageEncoding.JPEG).setWidth(1600).setHeight(256)
                .setBytes(ByteBuffer.wrap(nextJpeg())).build());
        ids.add(FaultLine.CRASHING_IMAGE);
        ids.addAll(upload("fault-crash", IMAGES / 2));
        Tally tally = line.settle(ids, SETTLE);

        assertThat(line.classifier().exits().subList(exitsBefore, line.classifier().exits().size())).containsExactly(139, 139);
        assertThat(deadLetter(FaultLine.CRASHING_IMAGE).reason()).isEqualTo("CRASHED");
        row("a record that crashes the classifier's process (halts it, as a native crash) whenever it runs",
                "two deaths, then the record dead-lettered CRASHED without running the model; the others classified", tally,
                "aRecordThatCrashesTheClassifierIsDeadLetteredAfterTwoDeathsAndTheRestGoOn");
    }

    @Test
    @Order(6)
    void imagesTooLargeForTheModelAreDeadLetteredAndTheRestGoOn() throws Exception {
        List<Integer> classifierExits = line.classifier().exits();
        Set<String> ids = new LinkedHashSet<>(upload("fault-oversized", IMAGES / 2));
        String huge = line.upload("fault-oversized", png(8192, 4880), "image/png");
        String thin = line.upload("fault-oversized", png(8000, 1), "image/png");
        ids.add(huge);
        ids.add(thin);
        ids.addAll(upload("fault-oversized", IMAGES / 2));
        Tally tally = line.settle(ids, SETTLE);

        assertThat(deadLetter(huge).reason()).isEqualTo("MODEL_INPUT");
        assertThat(since(line.classifier().exits(), classifierExits)).isEmpty();
        row("a 39 KB PNG of 8192 x 4880 pixels and an 8000 x 1 strip between real images", "the large one dead-lettered MODEL_INPUT "
                + "before any tensor was built, the strip " + (deadLetterOrNull(thin) == null ? "classified" : "dead-lettered "
                + deadLetterOrNull(thin).reason()) + "; no process died", tally, "imagesTooLargeForTheModelAreDeadLetteredAndTheRestGoOn");
    }

    @Test
    @Order(7)
    void aModelFolderSwitchedToABrokenModelDeadLettersNothingAndTheImagesWaitForAWorkingOne() throws Exception {
        line.pointClassifierAt(line.brokenClassifier());
        // The worker looks at its model link every 500 ms and loads the new model beside the old one: only images sent
        // once its threads serve the broken one test what the row says.
        Await.until(WAIT, () -> line.classifier().metricsAnswer().lines()
                        .anyMatch(l -> l.startsWith("coilsight_worker_model_loaded{") && l.contains("version=\"1-broken\"")),
                "the classifier serves the broken model");
        Thread.sleep(2_000); // each worker thread takes the new model up between batches: an idle one at its next poll, within a second
        Set<String> ids = upload("fault-broken-model", IMAGES);
        String[] health = new String[1];
        Await.until(WAIT, () -> (health[0] = line.classifier().healthAnswer()).startsWith("503 "),
                "the classifier reports its model failing on /health");
        int classifiedWhileBroken = classified(ids);
        List<DeadLetter> deadWhileBroken = deadLetters(ids);
        line.pointClassifierAt(line.goodClassifier());
        Tally tally = line.settle(ids, SETTLE);

        assertThat(health[0]).contains("model failing", "blank");
        assertThat(deadWhileBroken).as("nothing drained into the dead-letter topic").isEmpty();
        assertThat(classifiedWhileBroken).isZero();
        assertThat(tally.deadLettered()).isZero();
        Await.until(WAIT, () -> line.classifier().health() == 200, "the classifier is healthy again");
        row("the classifier's model link switched to a broken model, then back", "nothing dead-lettered, /health 503 naming the "
                + "cause while it failed; the images waited and were classified by the working model", tally, "aModelFolderSwitchedToABrokenModelDeadLettersNothingAndTheImagesWaitForAWorkingOne");
    }

    @Test
    @Order(8)
    void aDropFolderOnAFullDiskKeepsItsFilesAndPublishesThemOnceThereIsRoomAgain() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()).redirectErrorStream(true).start();
        String mountOutput = new String(mount.getInputStream().readAllBytes());
        assumeTrue(mount.waitFor() == 0, "a full disk is a 1 MiB tmpfs, which needs root or CAP_SYS_ADMIN to mount: " + mountOutput);
        try (IngestService ingest = line.dropFolderIngest(disk)) {
            ingest.start();
            Path coil = Files.createDirectories(disk.resolve("fault-disk-full"));
            for (int i = 0; i < 3; i++) {
                Files.write(coil.resolve("image-" + i + ".jpg"), nextJpeg());
            }
            long filled = fill(disk.resolve("filler.bin"));
            Await.until(WAIT, () -> FaultLine.ready(ingest.httpPort()) == 503, "ingest says it is not ready while the disk is full");
            Thread.sleep(2_000);
            assertThat(imagesOfCoil("fault-disk-full")).as("nothing published while the ledger cannot be written").isEmpty();
            assertThat(Files.list(coil).filter(Files::isRegularFile).count()).as("the files stay where they are").isEqualTo(3);

            Files.delete(disk.resolve("filler.bin"));
            Await.until(WAIT, () -> imagesOfCoil("fault-disk-full").size() >= 3, "the files are published once there is room");
            Set<String> ids = new LinkedHashSet<>(imagesOfCoil("fault-disk-full"));
            Tally tally = line.settle(ids, SETTLE);
            Await.until(WAIT, () -> FaultLine.ready(ingest.httpPort()) == 200, "ingest is ready again");
            assertThat(ids).hasSize(3);
            assertThat(Files.list(coil.resolve("done")).count()).isEqualTo(3);
            row("the drop folder's disk full (" + filled / 1024 + " KiB filler on a 1 MiB tmpfs) with 3 files dropped", "nothing "
                    + "published, the files left in place, /ready 503; once the filler was removed, each published once and ready again",
                    tally, "aDropFolderOnAFullDiskKeepsItsFilesAndPublishesThemOnceThereIsRoomAgain");
        } finally {
            new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until {@code worker}, killed at {@code killedAt} (nano time) and started again, has its partitions back: how long that took. */
    private static Duration partitionsBack(WorkerProcess worker, long killedAt) {
        Await.until(RECLAIM, () -> worker.assignedPartitions() > 0, "the worker started again has its partitions back");
        return Duration.ofNanos(System.nanoTime() - killedAt);
    }

    private void row(String fault, String what, Tally tally, String test) {
        table.add("| " + fault + " | " + what + " | " + tally.images() + " (" + tally.defective() + " defective) | " + tally.lost()
                + " | " + tally.duplicated() + " | `FaultMatrixIT." + test + "` |");
        log.info("fault matrix row: {} -> {}", fault, tally);
        assertThat(tally.lost()).as("images lost: " + tally).isZero();
        assertThat(tally.duplicated()).as("images duplicated: " + tally).isZero();
    }

    private Set<String> upload(String coil, int count) throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(line.upload(coil, nextJpeg(), "image/jpeg"));
        }
        return ids;
    }

    private byte[] nextJpeg() {
        return jpegs.get(nextImage++ % jpegs.size());
    }

    private int classified(Set<String> ids) {
        return (int) line.outputs().classifications().stream().filter(c -> ids.contains(c.getImageId())).count();
    }

    private int forwarded(Set<String> ids) {
        return (int) line.outputs().forwarded().stream().filter(d -> ids.contains(d.getImage().getImageId())).count();
    }

    private int segmented(Set<String> ids) {
        return (int) line.outputs().segmentations().stream().filter(s -> ids.contains(s.getImageId())).count();
    }

    private List<DeadLetter> deadLetters(Set<String> ids) {
        return line.outputs().deadLetters().stream().filter(d -> ids.contains(d.imageId())).toList();
    }

    private DeadLetter deadLetterOrNull(String imageId) {
        return line.outputs().deadLetters().stream().filter(d -> imageId.equals(d.imageId())).findFirst().orElse(null);
    }

    private DeadLetter deadLetter(String imageId) {
        DeadLetter dead = deadLetterOrNull(imageId);
        assertThat(dead).as("a dead letter for " + imageId).isNotNull();
        return dead;
    }

    private List<String> imagesOfCoil(String coil) {
        return line.outputs().images().stream().filter(i -> i.getCoilId().equals(coil)).map(ImageCaptured::getImageId).toList();
    }

    private static List<Integer> since(List<Integer> now, List<Integer> before) {
        return now.subList(before.size(), now.size());
    }

    /** Writes zeros until the disk refuses: the bytes written. */
    private static long fill(Path file) {
        long written = 0;
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).as("the disk is full").containsIgnoringCase("space");
        }
        return written;
    }

    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), "png", out);
        return out.toByteArray();
    }
}
