package dev.coilsight.ingest.drop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.FreshTopic;
import dev.coilsight.ingest.IngestFixture;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * The drop-folder watcher against the real broker and registry with real images: restarts and
 * crashes in the middle publish every file exactly once; bad files, links and temporary names.
 */
@ExtendWith(RealInfrastructureExtension.class)
class DropFolderIT {

    private static final Duration STABLE = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String CAMERA = "cam-drop";

    /** Stands for the process dying at a crash point: an Error, which the scan loop does not catch, ends the watcher's task. */
    private static final class SimulatedCrash extends Error {
        SimulatedCrash(Path file) {
            super("simulated crash at " + file.getFileName());
        }
    }

    /** A file put into the drop folder: its coil, name and content hash. */
    private record Dropped(String coilId, String name, String sha256) {
    }

    @TempDir
    Path root;

    @RegisterExtension
    final FreshTopic sink = new FreshTopic(3);
    private final IngestMetrics metrics = new IngestMetrics();
    private final List<DropFolderWatcher> running = new ArrayList<>();

    @AfterEach
    void stopWatchers() {
        running.forEach(DropFolderWatcher::close);
    }

    private DropFolderWatcher watcher(Duration stable, DropFolderWatcher.CrashPoints crashPoints) {
        return watcher(new DropFolderWatcher.Settings(CAMERA, stable, POLL, Duration.ofMinutes(10), SKEW), crashPoints);
    }

    private DropFolderWatcher watcher(DropFolderWatcher.Settings settings, DropFolderWatcher.CrashPoints crashPoints) {
        DropFolderWatcher watcher = new DropFolderWatcher(root, new ImageEvents(ImageLimits.DEFAULT, false), sink.publisher(), metrics,
                settings, crashPoints);
        running.add(watcher);
        return watcher;
    }

    /** Stops a watcher the way a process end would: after this the lock on the root is free. */
    private void stop(DropFolderWatcher watcher) {
        running.remove(watcher);
        watcher.close();
    }

    /** The two places where the watcher lets tests cut in. */
    private enum Point { AFTER_PENDING, AFTER_ACK }

    private static DropFolderWatcher.CrashPoints at(Point point, Consumer<Path> hook) {
        return new DropFolderWatcher.CrashPoints() {
            @Override
            public void afterPending(Path file) {
                if (point == Point.AFTER_PENDING) {
                    hook.accept(file);
                }
            }

            @Override
            public void afterAck(Path file) {
                if (point == Point.AFTER_ACK) {
                    hook.accept(file);
                }
            }
        };
    }

    /** Runs a watcher that dies at the point when it reaches it for the second file; returns that file. */
    private Path crashOnSecondFile(Point point) throws InterruptedException {
        AtomicInteger reached = new AtomicInteger();
        AtomicReference<Path> crashedAt = new AtomicReference<>();
        CountDownLatch crashed = new CountDownLatch(1);
        DropFolderWatcher watcher = watcher(STABLE, at(point, file -> {
            if (reached.incrementAndGet() == 2) {
                crashedAt.set(file);
                crashed.countDown();
                throw new SimulatedCrash(file);
            }
        }));
        watcher.start();
        assertThat(crashed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the watcher reached " + point + " twice").isTrue();
        stop(watcher);
        return crashedAt.get();
    }

    /** A new watcher over the same root, run until every dropped file is in done/; then the exactly-once checks. */
    private List<ConsumerRecord<String, ImageCaptured>> restartAndFinish(Map<String, Dropped> dropped) throws IOException {
        watcher(STABLE, DropFolderWatcher.NO_CRASH).start();
        Await.until(WAIT, () -> doneCountQuietly() == dropped.size(), "the new watcher moved all files to done/");
        return assertPublishedExactlyOnce(dropped);
    }

    /** Copies real images into the coils' folders: {@code perCoil} images for each coil id, distinct images throughout. */
    private Map<String, Dropped> dropImages(Map<String, Integer> perCoil) throws IOException {
        int total = perCoil.values().stream().mapToInt(Integer::intValue).sum();
        List<Path> images = IngestFixture.streamImages(total);
        assertThat(images).hasSize(total);
        Map<String, Dropped> dropped = new LinkedHashMap<>();
        int next = 0;
        for (Map.Entry<String, Integer> coil : perCoil.entrySet()) {
            for (int i = 0; i < coil.getValue(); i++) {
                Path image = images.get(next++);
                Dropped file = drop(coil.getKey(), image.getFileName().toString(), Files.readAllBytes(image));
                dropped.put(file.sha256(), file);
            }
        }
        assertThat(dropped).as("distinct images").hasSize(total);
        return dropped;
    }

    private Dropped drop(String coilId, String name, byte[] bytes) throws IOException {
        Files.write(Files.createDirectories(root.resolve(coilId)).resolve(name), bytes);
        return new Dropped(coilId, name, IngestFixture.sha256(bytes));
    }

    private Path done(Dropped file) {
        return root.resolve(file.coilId()).resolve(DropFolderWatcher.DONE).resolve(file.name());
    }

    private Path failed(String coilId, String name) {
        return root.resolve(coilId).resolve(DropFolderWatcher.FAILED).resolve(name);
    }

    private long doneCount() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> p.getParent().getFileName().toString().equals(DropFolderWatcher.DONE)).count();
        }
    }

    private long doneCountQuietly() {
        try {
            return doneCount();
        } catch (IOException e) {
            return -1;
        }
    }

    private List<String> ledgerLines() throws IOException {
        return Files.readAllLines(root.resolve(".coilsight").resolve("ledger.log"), StandardCharsets.UTF_8);
    }

    /**
     * The topic holds exactly one record per dropped file, with the file's bytes, key and coil, and every
     * file sits in its coil's done/ folder with its content unchanged.
     */
    private List<ConsumerRecord<String, ImageCaptured>> assertPublishedExactlyOnce(Map<String, Dropped> dropped) throws IOException {
        List<ConsumerRecord<String, ImageCaptured>> records = IngestFixture.read(sink.topic(), dropped.size());
        assertThat(records).as("records in the topic").hasSize(dropped.size());
        Map<String, ConsumerRecord<String, ImageCaptured>> bySha = new LinkedHashMap<>();
        for (ConsumerRecord<String, ImageCaptured> record : records) {
            String sha = IngestFixture.sha256(IngestFixture.bytes(record.value()));
            assertThat(bySha.put(sha, record)).as("a second record of the same file").isNull();
            Dropped file = dropped.get(sha);
            assertThat(file).as("a record whose bytes match no dropped file").isNotNull();
            assertThat(record.key()).isEqualTo(file.coilId());
            assertThat(record.value().getCoilId()).isEqualTo(file.coilId());
            assertThat(record.value().getCameraId()).isEqualTo(CAMERA);
            assertThat(record.value().getWidth()).isEqualTo(1600);
            assertThat(record.value().getHeight()).isEqualTo(256);
            assertThat(new String(record.headers().lastHeader(ImagePublisher.SOURCE_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("drop");
            assertThat(new String(record.headers().lastHeader(ImagePublisher.IMAGE_ID_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(record.value().getImageId());
        }
        assertThat(bySha.keySet()).isEqualTo(dropped.keySet());
        // Each coil's files are its frames, numbered 0, 1, 2, ... in the order they were taken, each its own number, none
        // skipped (a restart included): the coil map places them back to back.
        Map<String, List<Long>> framesByCoil = new java.util.TreeMap<>();
        bySha.forEach((sha, record) -> framesByCoil.computeIfAbsent(dropped.get(sha).coilId(), coil -> new java.util.ArrayList<>())
                .add(record.value().getSequence()));
        framesByCoil.forEach((coil, frames) -> assertThat(frames.stream().sorted().toList()).as(coil + "'s frame numbers")
                .isEqualTo(java.util.stream.LongStream.range(0, frames.size()).boxed().toList()));
        for (Dropped file : dropped.values()) {
            assertThat(done(file)).exists();
            assertThat(IngestFixture.sha256(Files.readAllBytes(done(file)))).isEqualTo(file.sha256());
            assertThat(root.resolve(file.coilId()).resolve(file.name())).doesNotExist();
        }
        return records;
    }

    @Test
    void aRestartInTheMiddlePublishesEveryFileExactlyOnce() throws Exception {
        Map<String, Integer> coils = new LinkedHashMap<>();
        coils.put("COIL-R1", 5);
        coils.put("COIL-R2", 3);
        Map<String, Dropped> dropped = dropImages(coils);

        // Watcher A is stopped right after its third acknowledgement, in the middle of a pass over 8 stable files.
        AtomicReference<DropFolderWatcher> a = new AtomicReference<>();
        AtomicInteger acks = new AtomicInteger();
        CountDownLatch thirdAck = new CountDownLatch(1);
        a.set(watcher(STABLE, at(Point.AFTER_ACK, file -> {
            if (acks.incrementAndGet() == 3) {
                a.get().stopScanning();
                thirdAck.countDown();
            }
        })));
        a.get().start();
        assertThat(thirdAck.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("A acknowledged three files").isTrue();
        assertThatThrownBy(() -> new DropFolderWatcher(root, new ImageEvents(ImageLimits.DEFAULT, false), sink.publisher(), metrics,
                new DropFolderWatcher.Settings(CAMERA, STABLE, POLL, Duration.ofMinutes(10), SKEW))).isInstanceOf(IllegalStateException.class).hasMessageContaining("one watcher per drop root");
        Path lockFile = root.resolve(".coilsight").resolve("lock");
        assertThat(LockProbe.probe(lockFile)).as("A's lock, seen from another process, after the refused second watcher").isEqualTo("held");
        stop(a.get());
        assertThat(LockProbe.probe(lockFile)).isEqualTo("free");

        assertThat(doneCount()).as("files A moved to done/").isEqualTo(3);
        assertThat(IngestFixture.read(sink.topic(), 3)).hasSize(3);

        restartAndFinish(dropped);
        assertThat(metrics.acceptedCount("drop")).isEqualTo(dropped.size());

        // The same file version dropped again (a move keeps its size and time) is known to the ledger: not sent again.
        Dropped again = dropped.values().iterator().next();
        Path back = root.resolve(again.coilId()).resolve(again.name());
        Files.move(done(again), back);
        Await.until(WAIT, () -> !Files.exists(back) && Files.exists(done(again)), "the re-dropped file is moved to done/ again");
        assertThat(IngestFixture.read(sink.topic(), dropped.size())).hasSize(dropped.size());
        assertThat(metrics.acceptedCount("drop")).isEqualTo(dropped.size());
    }

    @Test
    void aCrashAfterTheAcknowledgementButBeforeTheLedgerSaysDonePublishesNothingTwice() throws Exception {
        Map<String, Dropped> dropped = dropImages(Map.of("COIL-K1", 5));
        Path crashedAt = crashOnSecondFile(Point.AFTER_ACK);

        // The second file reached the broker, but the ledger's last word on it is PENDING and it was not moved.
        String name = crashedAt.getFileName().toString();
        assertThat(ledgerLines()).last().asString().startsWith("PENDING ").contains(name);
        assertThat(crashedAt).exists();
        assertThat(doneCount()).isEqualTo(1);
        List<ConsumerRecord<String, ImageCaptured>> beforeRestart = IngestFixture.read(sink.topic(), 2);
        assertThat(beforeRestart).hasSize(2);

        List<ConsumerRecord<String, ImageCaptured>> records = restartAndFinish(dropped);
        assertThat(records).extracting(r -> r.value().getImageId())
                .containsAll(beforeRestart.stream().map(r -> r.value().getImageId()).toList());
        assertThat(ledgerLines()).anySatisfy(line -> assertThat(line).startsWith("DONE ").contains(name));
    }

    @Test
    void aCrashAfterPendingIsWrittenButBeforeTheSendPublishesTheFileOnceWithItsLedgerId() throws Exception {
        Map<String, Dropped> dropped = dropImages(Map.of("COIL-P1", 3, "COIL-P2", 2));
        Path crashedAt = crashOnSecondFile(Point.AFTER_PENDING);

        String name = crashedAt.getFileName().toString();
        String lastLine = ledgerLines().get(ledgerLines().size() - 1);
        assertThat(lastLine).startsWith("PENDING ").contains(name);
        String pendingImageId = lastLine.split(" ")[2];
        assertThat(IngestFixture.read(sink.topic(), 1)).as("only the first file was sent").hasSize(1);

        List<ConsumerRecord<String, ImageCaptured>> records = restartAndFinish(dropped);
        byte[] crashedBytes = Files.readAllBytes(root.resolve(crashedAt.getParent().getFileName().toString())
                .resolve(DropFolderWatcher.DONE).resolve(name));
        ImageCaptured recovered = records.stream().map(ConsumerRecord::value)
                .filter(v -> Arrays.equals(IngestFixture.bytes(v), crashedBytes)).findFirst().orElseThrow();
        assertThat(recovered.getImageId()).as("the id the ledger promised").isEqualTo(pendingImageId);
    }

    @Test
    void aFileThatIsNoImageGoesToFailedWithTheReason() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
        byte[] text = "camera log: shutter 1/2000 s\n".getBytes(StandardCharsets.UTF_8);
        drop("COIL-F", "notes.jpg", text);
        drop("COIL-F", "cut.jpg", Arrays.copyOf(jpeg, jpeg.length / 2));
        // Truncated and not written to for a minute: broken, not a writer that paused (that one is waited for).
        Files.setLastModifiedTime(root.resolve("COIL-F").resolve("cut.jpg"), FileTime.from(Instant.now().minusSeconds(60)));
        Dropped good = drop("COIL-F", "good.jpg", jpeg);

        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();
        Path notesError = failed("COIL-F", "notes.jpg.error.txt");
        Path cutError = failed("COIL-F", "cut.jpg.error.txt");
        Await.until(WAIT, () -> Files.exists(notesError) && Files.exists(cutError) && Files.exists(done(good)),
                "both bad files are in failed/ with their notes and the good one in done/");

        assertThat(Files.readString(notesError)).contains("not a PNG or JPEG");
        assertThat(Files.readString(cutError)).contains("truncated JPEG");
        assertThat(Files.readAllBytes(failed("COIL-F", "notes.jpg"))).isEqualTo(text);
        assertThat(root.resolve("COIL-F").resolve("notes.jpg")).doesNotExist();
        assertPublishedExactlyOnce(Map.of(good.sha256(), good));
        assertThat(metrics.rejectedCount("drop", "not_an_image")).isEqualTo(1);
        assertThat(metrics.rejectedCount("drop", "corrupt")).isEqualTo(1);
        assertThat(ledgerLines()).filteredOn(line -> line.startsWith("FAILED ")).hasSize(2);
    }

    @Test
    void aFileStampedInTheFutureIsPublishedWithoutWaitingForItsTimeOrRefusedBeyondTheClockSkew() throws Exception {
        List<Path> images = IngestFixture.streamImages(2);
        // A writer whose clock is ahead: within the allowed skew the file is taken once stable, not when the clock catches up.
        Dropped ahead = drop("COIL-AHEAD", "ahead.jpg", Files.readAllBytes(images.get(0)));
        Files.setLastModifiedTime(root.resolve("COIL-AHEAD").resolve("ahead.jpg"), FileTime.from(Instant.now().plus(Duration.ofMinutes(2))));
        // Far beyond it: set aside with the reason at once, not held back for an hour in silence.
        drop("COIL-AHEAD", "hour.jpg", Files.readAllBytes(images.get(1)));
        Files.setLastModifiedTime(root.resolve("COIL-AHEAD").resolve("hour.jpg"), FileTime.from(Instant.now().plus(Duration.ofHours(1))));

        // A writer whose clock was reset: 1970 would count in no window of the coil.
        drop("COIL-RESET", "epoch.jpg", Files.readAllBytes(images.get(1)));
        Files.setLastModifiedTime(root.resolve("COIL-RESET").resolve("epoch.jpg"), FileTime.from(Instant.ofEpochSecond(86_400)));

        watcher(STABLE, DropFolderWatcher.NO_CRASH).start();
        Path note = failed("COIL-AHEAD", "hour.jpg.error.txt");
        Path resetNote = failed("COIL-RESET", "epoch.jpg.error.txt");
        Await.until(WAIT, () -> Files.exists(done(ahead)) && Files.exists(note) && Files.exists(resetNote),
                "the file 2 minutes ahead published, the hour one and the 1970 one set aside");

        assertThat(Files.readString(note)).contains("in the future", "COILSIGHT_MAX_CLOCK_SKEW_MS");
        assertThat(Files.readString(resetNote)).contains("is before 2000-01-01T00:00:00Z");
        assertPublishedExactlyOnce(Map.of(ahead.sha256(), ahead));
    }

    @Test
    void aPendingFileWhoseEarlierSendCannotBeLookedUpIsSetAsideAfterTheTimeoutAndTheWatcherRecovers() throws Exception {
        List<Path> images = IngestFixture.streamImages(2);
        Dropped stuck = drop("COIL-U", "stuck.jpg", Files.readAllBytes(images.get(0)));
        Path stuckFile = root.resolve("COIL-U").resolve("stuck.jpg");
        Files.setLastModifiedTime(stuckFile, FileTime.from(Instant.now().minusSeconds(60)));
        // A run before this one wrote PENDING for the file from offset 0 of its partition, and those records are gone
        // (retention): whether it was sent cannot be told from the topic.
        int partition = sink.publisher().partitionFor("COIL-U");
        ImageEvents events = new ImageEvents(ImageLimits.DEFAULT, false);
        for (int i = 0; i < 2; i++) {
            sink.publisher().publish(events.build("earlier-" + i, new dev.coilsight.ingest.publish.ImageMetadata("COIL-U", CAMERA, i,
                    Instant.now(), null, null), Files.readAllBytes(images.get(1))), "test");
        }
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(sink.topic(), partition);
        try (org.apache.kafka.clients.admin.Admin admin = dev.coilsight.testsupport.TestInfrastructure.kafka().admin()) {
            admin.deleteRecords(Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(2))).all().get(30, TimeUnit.SECONDS);
        }
        String key = "COIL-U/stuck.jpg|" + Files.size(stuckFile) + "|" + Files.getLastModifiedTime(stuckFile).toMillis();
        Files.createDirectories(root.resolve(".coilsight"));
        Files.writeString(root.resolve(".coilsight").resolve("ledger.log"),
                "PENDING " + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8) + " lost-image " + partition + " 0\n");
        Dropped good = drop("COIL-V", "good.jpg", Files.readAllBytes(images.get(1)));

        DropFolderWatcher watcher = watcher(new DropFolderWatcher.Settings(CAMERA, STABLE, POLL, Duration.ofSeconds(3), SKEW), DropFolderWatcher.NO_CRASH);
        watcher.start();
        Await.until(WAIT, () -> Files.exists(done(good)), "the good file of another coil is published meanwhile");
        Await.until(WAIT, () -> !watcher.healthy(), "the watcher says it cannot resolve the file");
        Path note = failed("COIL-U", "stuck.jpg.error.txt");
        Await.until(WAIT, () -> Files.exists(note), "the unresolvable file is set aside");
        Await.until(WAIT, watcher::healthy, "the watcher is healthy again");

        assertThat(Files.readString(note)).contains("lost-image", "neither confirmed nor denied", "were deleted", "before dropping the file again");
        assertThat(IngestFixture.sha256(Files.readAllBytes(failed("COIL-U", "stuck.jpg")))).isEqualTo(stuck.sha256());
        assertPublishedExactlyOnce(Map.of(good.sha256(), good));
        assertThat(metrics.rejectedCount("drop", "unresolved")).isEqualTo(1);
        assertThat(ledgerLines()).anySatisfy(line -> assertThat(line).startsWith("FAILED ").contains("stuck.jpg"));

        // A person finds no image lost-image on the topic and drops the file again (a move keeps its time stamp): published.
        Files.move(failed("COIL-U", "stuck.jpg"), stuckFile);
        Await.until(WAIT, () -> Files.exists(done(stuck)), "the file dropped again is published");
        assertPublishedExactlyOnce(Map.of(good.sha256(), good, stuck.sha256(), stuck));
    }

    @Test
    void whileTheRegistryCannotBeReachedTheFilesStayWhereTheyAreAndTheWatcherSaysSo() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Dropped first = drop("COIL-N", "a.jpg", Files.readAllBytes(IngestFixture.streamImages(1).get(0)));
        try (ImagePublisher noRegistry = new ImagePublisher(ClusterSettings.plain(TestInfrastructure.kafka().bootstrapServers(),
                "http://127.0.0.1:" + closedPort), sink.topic(), Duration.ofSeconds(5), ImageLimits.DEFAULT.maxBytes())) {
            DropFolderWatcher watcher = new DropFolderWatcher(root, new ImageEvents(ImageLimits.DEFAULT, false), noRegistry, metrics,
                    new DropFolderWatcher.Settings(CAMERA, STABLE, POLL, Duration.ofMinutes(10), SKEW), DropFolderWatcher.NO_CRASH);
            running.add(watcher);
            watcher.start();
            Await.until(WAIT, () -> !watcher.healthy(), "the watcher says it cannot publish");
            for (int pass = 0; pass < 20; pass++) { // also on the passes that do not try the file again
                Thread.sleep(POLL.toMillis());
                assertThat(watcher.healthy()).as("unhealthy while the file waits, %d polls on", pass + 1).isFalse();
            }
            assertThat(root.resolve("COIL-N").resolve("a.jpg")).as("the file stays to be sent again").exists();
            assertThat(root.resolve("COIL-N").resolve(DropFolderWatcher.FAILED)).doesNotExist();
            stop(watcher);
        }

        // The registry is back (a watcher whose publisher reaches it): the file is published once, its PENDING line resolved.
        DropFolderWatcher recovered = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        recovered.start();
        Await.until(WAIT, () -> Files.exists(done(first)), "the file is published once the registry answers");
        assertPublishedExactlyOnce(Map.of(first.sha256(), first));
        Await.until(WAIT, recovered::healthy, "the watcher is healthy again");
    }

    @Test
    void aFileOfGigabytesGoesToFailedWithoutBeingReadAndTheImagesBesideItArePublished() throws Exception {
        Path coil = Files.createDirectories(root.resolve("COIL-G"));
        // Sparse: 3 GB to the watcher, no disk used; read into memory it would be an OutOfMemoryError at every start.
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(coil.resolve("huge.jpg").toFile(), "rw")) {
            huge.setLength(3L << 30);
        }
        Dropped good = drop("COIL-G", "good.jpg", Files.readAllBytes(IngestFixture.streamImages(1).get(0)));

        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();
        Path hugeError = failed("COIL-G", "huge.jpg.error.txt");
        Await.until(WAIT, () -> Files.exists(hugeError) && Files.exists(done(good)), "the huge file in failed/ with its note, the good one in done/");

        assertThat(Files.readString(hugeError)).contains("3221225472 bytes", "COILSIGHT_MAX_IMAGE_BYTES", "not read");
        assertThat(Files.size(failed("COIL-G", "huge.jpg"))).isEqualTo(3L << 30);
        assertPublishedExactlyOnce(Map.of(good.sha256(), good));
        assertThat(metrics.rejectedCount("drop", "too_large")).isEqualTo(1);
    }

    @Test
    void aFailedFolderOrAnErrorNotePlantedAsALinkIsNeverWrittenThrough(@TempDir Path outside) throws Exception {
        byte[] text = "not an image".getBytes(StandardCharsets.UTF_8);
        // COIL-L's failed/ is a link to a folder outside the drop root.
        Files.createDirectories(root.resolve("COIL-L"));
        Files.createSymbolicLink(root.resolve("COIL-L").resolve(DropFolderWatcher.FAILED), Files.createDirectories(outside.resolve("elsewhere")));
        drop("COIL-L", "notes.jpg", text);
        // COIL-N's note for notes.jpg is planted as a link to a file outside.
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep me\n");
        Files.createDirectories(root.resolve("COIL-N").resolve(DropFolderWatcher.FAILED));
        Files.createSymbolicLink(failed("COIL-N", "notes.jpg.error.txt"), victim);
        drop("COIL-N", "notes.jpg", text);
        Dropped good = drop("COIL-L", "good.jpg", Files.readAllBytes(IngestFixture.streamImages(1).get(0)));

        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();
        Await.until(WAIT, () -> Files.exists(done(good)) && Files.exists(failed("COIL-N", "notes.jpg")),
                "the good file in done/, COIL-N's bad one in failed/");
        Thread.sleep(STABLE.toMillis() * 3); // more passes over COIL-L's bad file

        try (Stream<Path> moved = Files.list(outside.resolve("elsewhere"))) {
            assertThat(moved).as("nothing moved through the linked failed/").isEmpty();
        }
        assertThat(root.resolve("COIL-L").resolve("notes.jpg")).exists();
        assertThat(Files.readString(victim)).isEqualTo("keep me\n");
        assertThat(Files.isSymbolicLink(failed("COIL-N", "notes.jpg.error.txt"))).isTrue();
    }

    @Test
    void symbolicLinksAreRefusedAndWhatTheyPointAtIsLeftAlone(@TempDir Path outside) throws Exception {
        List<Path> images = IngestFixture.streamImages(2);
        Path target = Files.copy(images.get(0), outside.resolve("real.jpg"));
        byte[] targetBytes = Files.readAllBytes(target);
        Files.createDirectories(root.resolve("COIL-S"));
        Files.createSymbolicLink(root.resolve("COIL-S").resolve("link.jpg"), target);
        Files.createSymbolicLink(root.resolve("COIL-LINKED"), outside);
        Dropped good = drop("COIL-S", "good.jpg", Files.readAllBytes(images.get(1)));

        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();
        Path linkError = failed("COIL-S", "link.jpg.error.txt");
        Await.until(WAIT, () -> Files.exists(linkError) && Files.exists(done(good)),
                "the link is in failed/ with a note and the good file in done/");

        assertThat(Files.readString(linkError)).contains("symbolic links are refused");
        assertThat(Files.isSymbolicLink(failed("COIL-S", "link.jpg"))).as("the link itself was moved").isTrue();
        assertThat(root.resolve("COIL-S").resolve("link.jpg")).doesNotExist();
        // The linked coil folder was passed over on every scan: its file neither published nor moved.
        assertThat(Files.isSymbolicLink(root.resolve("COIL-LINKED"))).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(targetBytes);
        try (Stream<Path> entries = Files.list(outside)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("real.jpg");
        }
        assertPublishedExactlyOnce(Map.of(good.sha256(), good));
    }

    @Test
    void filesWithTemporaryNamesWaitForTheirRenameAndArePublishedOnce() throws Exception {
        List<Path> images = IngestFixture.streamImages(4);
        byte[] partBytes = Files.readAllBytes(images.get(0));
        byte[] tmpBytes = Files.readAllBytes(images.get(1));
        byte[] hiddenBytes = Files.readAllBytes(images.get(2));
        Path part = root.resolve("COIL-T").resolve("a.jpg.part");
        Path tmp = root.resolve("COIL-T").resolve("c.jpg.TMP");
        Path hidden = root.resolve("COIL-T").resolve(".b.jpg");
        Files.createDirectories(part.getParent());
        FileTime longAgo = FileTime.from(Instant.now().minusSeconds(60));
        for (Map.Entry<Path, byte[]> file : Map.of(part, partBytes, tmp, tmpBytes, hidden, hiddenBytes).entrySet()) {
            Files.write(file.getKey(), file.getValue());
            Files.setLastModifiedTime(file.getKey(), longAgo); // complete and long stable: only the name holds them back
        }
        Dropped sentinel = drop("COIL-T", "sentinel.jpg", Files.readAllBytes(images.get(3)));

        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();
        Await.until(WAIT, () -> Files.exists(done(sentinel)), "the sentinel is published");
        // Every scan until then also saw the temporary files: they are still there, unpublished.
        assertThat(part).exists();
        assertThat(tmp).exists();
        assertThat(hidden).exists();
        assertThat(IngestFixture.read(sink.topic(), 1)).hasSize(1);

        Files.move(part, part.resolveSibling("a.jpg"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, tmp.resolveSibling("c.jpg"), StandardCopyOption.ATOMIC_MOVE);
        Dropped a = new Dropped("COIL-T", "a.jpg", IngestFixture.sha256(partBytes));
        Dropped c = new Dropped("COIL-T", "c.jpg", IngestFixture.sha256(tmpBytes));
        Await.until(WAIT, () -> Files.exists(done(a)) && Files.exists(done(c)), "the renamed files are published");
        assertPublishedExactlyOnce(Map.of(sentinel.sha256(), sentinel, a.sha256(), a, c.sha256(), c));
        assertThat(hidden).exists();
    }

    @Test
    void aFileDroppedAgainWithTheSameBytesIsPublishedOnceAndTheFramesAfterItKeepTheirNumbers() throws Exception {
        List<Path> images = IngestFixture.streamImages(2);
        Dropped first = drop("COIL-R", "f0001.jpg", Files.readAllBytes(images.get(0)));
        watcher(STABLE, DropFolderWatcher.NO_CRASH).start();
        Await.until(WAIT, () -> Files.exists(done(first)), "the first file is published");

        // The camera did not see its transfer succeed and sends the file again: a new modification time, the same bytes.
        drop("COIL-R", "f0001.jpg", Files.readAllBytes(images.get(0)));
        Path again = root.resolve("COIL-R").resolve("f0001.jpg");
        Files.setLastModifiedTime(again, FileTime.from(Instant.now().plusSeconds(1)));
        Dropped second = drop("COIL-R", "f0002.jpg", Files.readAllBytes(images.get(1)));
        Await.until(WAIT, () -> Files.exists(done(second)) && !Files.exists(again), "the next file is published, the copy gone");

        // One record each; the frame numbers are 0 and 1 (checked there), as the copy did not count as a frame.
        assertPublishedExactlyOnce(Map.of(first.sha256(), first, second.sha256(), second));
        assertThat(root.resolve("COIL-R").resolve(DropFolderWatcher.DONE).resolve("f0001.jpg.1")).doesNotExist();
    }

    @Test
    void aWriterThatPausesLongerThanTheStablePeriodIsWaitedForAndTheFilesAfterItKeepTheirOrder() throws Exception {
        List<Path> images = IngestFixture.streamImages(2);
        byte[] jpeg = Files.readAllBytes(images.get(0));
        Path paused = Files.createDirectories(root.resolve("COIL-W")).resolve("a.jpg");
        Files.write(paused, Arrays.copyOf(jpeg, jpeg.length / 2));
        Dropped next = drop("COIL-W", "b.jpg", Files.readAllBytes(images.get(1)));
        DropFolderWatcher watcher = watcher(STABLE, DropFolderWatcher.NO_CRASH);
        watcher.start();

        Thread.sleep(STABLE.multipliedBy(6).toMillis()); // the writer stalls: half an image, unchanged for six stable periods
        assertThat(root.resolve("COIL-W").resolve(DropFolderWatcher.FAILED)).as("the half-written file is not set aside").doesNotExist();
        assertThat(done(next)).as("the file named after it waits behind it").doesNotExist();
        Files.write(paused, Arrays.copyOfRange(jpeg, jpeg.length / 2, jpeg.length), StandardOpenOption.APPEND);

        Dropped whole = new Dropped("COIL-W", "a.jpg", IngestFixture.sha256(jpeg));
        Await.until(WAIT, () -> Files.exists(done(whole)) && Files.exists(done(next)), "both files are published");
        List<ConsumerRecord<String, ImageCaptured>> records = assertPublishedExactlyOnce(Map.of(whole.sha256(), whole, next.sha256(), next));
        assertThat(records).filteredOn(r -> IngestFixture.sha256(IngestFixture.bytes(r.value())).equals(whole.sha256()))
                .singleElement().satisfies(r -> assertThat(r.value().getSequence()).as("a.jpg is frame 0").isZero());
        assertThat(watcher.healthy()).isTrue();
    }

    @Test
    void aFileStillBeingWrittenIsTakenOnlyOnceItStopsGrowing() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
        Path growing = Files.createDirectories(root.resolve("COIL-G")).resolve("growing.jpg");
        DropFolderWatcher watcher = watcher(Duration.ofSeconds(2), DropFolderWatcher.NO_CRASH);
        watcher.start();

        // A slow camera: the file grows in 20 steps 100 ms apart, much less than the 2 s stable period.
        int step = jpeg.length / 20 + 1;
        try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int offset = 0; offset < jpeg.length; offset += step) {
                out.write(jpeg, offset, Math.min(step, jpeg.length - offset));
                out.flush();
                Thread.sleep(100);
            }
        }
        Dropped file = new Dropped("COIL-G", "growing.jpg", IngestFixture.sha256(jpeg));
        Await.until(WAIT, () -> Files.exists(done(file)), "the finished file is published");
        assertThat(root.resolve("COIL-G").resolve(DropFolderWatcher.FAILED)).as("no partial file was taken").doesNotExist();
        assertThat(Files.exists(growing, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertPublishedExactlyOnce(Map.of(file.sha256(), file));
    }
}
