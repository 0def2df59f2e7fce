package dev.coilsight.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.FreshTopic;
import dev.coilsight.ingest.IngestFixture;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestInfrastructure;
import picocli.CommandLine;

/** Replay of real datasets into the real broker and registry: coils, sequences, positions, pacing, the CLI. */
@ExtendWith(RealInfrastructureExtension.class)
class ReplayIT {

    @RegisterExtension
    final FreshTopic sink = new FreshTopic(3);
    private final IngestMetrics metrics = new IngestMetrics();

    private Replayer replayer() {
        return new Replayer(sink.publisher(), new ImageEvents(ImageLimits.DEFAULT, false), metrics);
    }

    /** The records of each coil in topic order (one coil is one key, so one partition). */
    private static Map<String, List<ImageCaptured>> byCoil(List<ConsumerRecord<String, ImageCaptured>> records) {
        Map<String, List<ImageCaptured>> coils = new LinkedHashMap<>();
        records.stream()
                .sorted(Comparator.<ConsumerRecord<String, ImageCaptured>>comparingInt(ConsumerRecord::partition)
                        .thenComparingLong(ConsumerRecord::offset))
                .forEach(r -> {
                    assertThat(r.key()).isEqualTo(r.value().getCoilId());
                    coils.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                });
        return coils;
    }

    @Test
    void twelveImagesAsThreeCoilsAtASteadyRate() throws Exception {
        List<Path> images = IngestFixture.streamImages(12);
        assertThat(images).hasSize(12);
        double rate = 10;
        String prefix = "rp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Replayer.Plan plan = new Replayer.Plan(3, rate, prefix, "cam-replay", "line-7", 400, 1);

        long started = System.nanoTime();
        Replayer.Result result = replayer().replay(images, plan, null);
        double elapsed = (System.nanoTime() - started) / 1e9;

        // 12 images at 10/s: the last one leaves no earlier than 11 intervals after the first.
        double minimum = (images.size() - 1) / rate;
        assertThat(elapsed).isGreaterThanOrEqualTo(minimum);
        assertThat(result.seconds()).isGreaterThanOrEqualTo(minimum);
        assertThat(result.published()).isEqualTo(12);
        assertThat(result.rejected()).isZero();
        long totalBytes = 0;
        for (Path image : images) {
            totalBytes += Files.size(image);
        }
        assertThat(result.bytes()).isEqualTo(totalBytes);
        assertThat(result.coilIds()).containsExactly(prefix + "1", prefix + "2", prefix + "3");
        assertThat(metrics.acceptedCount("replay")).isEqualTo(12);

        List<ConsumerRecord<String, ImageCaptured>> records = IngestFixture.read(sink.topic(), 12);
        assertThat(records).hasSize(12);
        Map<String, List<ImageCaptured>> coils = byCoil(records);
        assertThat(coils.keySet()).containsExactlyInAnyOrderElementsOf(result.coilIds());
        Instant previousCoilLast = Instant.MIN;
        for (int coil = 0; coil < 3; coil++) {
            List<ImageCaptured> events = coils.get(prefix + (coil + 1));
            assertThat(events).hasSize(4);
            assertThat(events.get(0).getCapturedAt()).as("coils follow one another").isAfter(previousCoilLast);
            for (int seq = 0; seq < 4; seq++) {
                ImageCaptured event = events.get(seq);
                Path file = images.get(coil * 4 + seq);
                assertThat(event.getSequence()).isEqualTo(seq);
                assertThat(event.getPositionMm()).isEqualTo(seq * 400.0);
                assertThat(event.getImageId()).isEqualTo(prefix + (coil + 1) + "-" + seq + "-" + file.getFileName());
                assertThat(event.getCameraId()).isEqualTo("cam-replay");
                assertThat(event.getLineId()).isEqualTo("line-7");
                assertThat(event.getEncoding()).isEqualTo(ImageEncoding.JPEG);
                assertThat(event.getCoilEnd()).as("only the last image of a coil ends it").isEqualTo(seq == 3);
                assertThat(IngestFixture.bytes(event)).isEqualTo(Files.readAllBytes(file));
                if (seq > 0) {
                    assertThat(event.getCapturedAt()).isAfter(events.get(seq - 1).getCapturedAt());
                }
            }
            previousCoilLast = events.get(3).getCapturedAt();
        }
        // Capture times are taken as each image leaves: they span the 11 intervals too (less the first
        // image's read, bounded here by 50 ms, and millisecond truncation).
        long spanMillis = coils.get(prefix + "3").get(3).getCapturedAt().toEpochMilli()
                - coils.get(prefix + "1").get(0).getCapturedAt().toEpochMilli();
        assertThat(spanMillis).isGreaterThanOrEqualTo((long) (minimum * 1000) - 50);
    }

    @Test
    void aCoilWhoseLastImageCannotBePublishedIsEndedOnTheCoilEndsTopicAndOnlyThatCoil(@TempDir Path dir) throws Exception {
        List<Path> real = IngestFixture.streamImages(3);
        List<Path> files = new ArrayList<>();
        for (String name : List.of("a.jpg", "b.jpg", "c.jpg", "d.jpg")) {
            files.add(dir.resolve(name));
        }
        Files.copy(real.get(0), files.get(0));
        Files.writeString(files.get(1), "not an image"); // the last image of coil 1
        Files.copy(real.get(1), files.get(2));
        Files.copy(real.get(2), files.get(3));
        String ends = IngestFixture.newTopic(1);
        String prefix = "rp-" + UUID.randomUUID().toString().substring(0, 8) + "-";

        Replayer.Result result = new Replayer(sink.publisher(), new ImageEvents(ImageLimits.DEFAULT, false), metrics, ends)
                .replay(files, new Replayer.Plan(2, 50, prefix, "cam-replay", "line-7", 400, 1), null);

        assertThat(result.published()).isEqualTo(3);
        assertThat(result.rejected()).isEqualTo(1);
        List<ConsumerRecord<String, CoilEnded>> ended = IngestFixture.read(ends, 1, CoilEnded.class);
        assertThat(ended).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(prefix + "1");
            assertThat(e.value().getCoilId()).isEqualTo(prefix + "1");
            assertThat(e.value().getLineId()).isEqualTo("line-7");
            assertThat(e.value().getSource()).isEqualTo("replay");
        });
    }

    @Test
    void idsAStepOrCoilsThatNoImageCouldBePublishedWithAreRefusedBeforeTheFirstImage() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Replayer.Plan(3, 10, "line 3/", "cam", null, 400, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--coil-prefix");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Replayer.Plan(3, 10, "p-", "a b", null, 400, 1)))
                .hasMessageContaining("--camera-id");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Replayer.Plan(3, 10, "p-", "cam", "L 1", 400, 1)))
                .hasMessageContaining("--line-id");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Replayer.Plan(3, 10, "p-", "cam", null, -400, 1)))
                .hasMessageContaining("--position-step-mm");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new Replayer.Plan(3, 10, "p".repeat(126), "cam", null, 400, 0)))
                .as("with --loop the ids grow by a loop number").hasMessageContaining("--coil-prefix");

        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ReplayCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--dataset", SharedData.require("severstal-sample").toString(), "--coils", "17",
                "--bootstrap-servers", TestInfrastructure.kafka().bootstrapServers(), "--registry", TestInfrastructure.registry().ccompatUrl(),
                "--topic", sink.topic());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--coils 17").contains("16 images");
    }

    @Test
    void theCommandReplaysASeverstalFolder() throws Exception {
        Path dataset = SharedData.require("severstal-sample");
        List<Path> images = ReplaySource.images(dataset);
        assertThat(images).hasSize(16).allSatisfy(p -> assertThat(p.getParent().getFileName().toString()).isEqualTo("train_images"));
        StringWriter out = new StringWriter();
        CommandLine cli = CommandLines.create(new ReplayCommand());
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("--dataset", dataset.toString(), "--coils", "2", "--rate", "100",
                "--bootstrap-servers", TestInfrastructure.kafka().bootstrapServers(),
                "--registry", TestInfrastructure.registry().ccompatUrl(),
                "--topic", sink.topic(), "--coil-prefix", "sv-", "--camera-id", "cam-sv");

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("published 16 images").contains("as 2 coils").contains("0 not published")
                .contains("coils: sv-1 sv-2");
        List<ConsumerRecord<String, ImageCaptured>> records = IngestFixture.read(sink.topic(), 16);
        assertThat(records).hasSize(16);
        Map<String, List<ImageCaptured>> coils = byCoil(records);
        assertThat(coils.keySet()).containsExactlyInAnyOrder("sv-1", "sv-2");
        for (int coil = 0; coil < 2; coil++) {
            List<ImageCaptured> events = coils.get("sv-" + (coil + 1));
            assertThat(events).extracting(ImageCaptured::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            for (int seq = 0; seq < 8; seq++) {
                ImageCaptured event = events.get(seq);
                Path file = images.get(coil * 8 + seq);
                // The sample's files are PNGs named .jpg: the encoding comes from the content.
                assertThat(event.getEncoding()).isEqualTo(ImageEncoding.PNG);
                assertThat(event.getImageId()).endsWith("-" + file.getFileName());
                assertThat(event.getCameraId()).isEqualTo("cam-sv");
                assertThat(event.getLineId()).isNull();
                assertThat(IngestFixture.bytes(event)).isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    @Test
    void aPlainFolderReplayedTwiceGetsNewCoilsEachLoop(@TempDir Path folder) throws Exception {
        List<Path> stream = IngestFixture.streamImages(3);
        for (Path image : stream) {
            Files.copy(image, folder.resolve(image.getFileName()));
        }
        Files.writeString(folder.resolve("README.txt"), "not an image");
        List<Path> images = ReplaySource.images(folder);
        assertThat(images).extracting(p -> p.getFileName().toString())
                .containsExactlyElementsOf(stream.stream().map(p -> p.getFileName().toString()).toList());

        Replayer.Result result = replayer().replay(images, new Replayer.Plan(1, 200, "loop-", "cam", null, 250, 2), null);

        assertThat(result.published()).isEqualTo(6);
        assertThat(result.coilIds()).containsExactly("loop-L1-1", "loop-L2-1");
        Map<String, List<ImageCaptured>> coils = byCoil(IngestFixture.read(sink.topic(), 6));
        assertThat(coils.keySet()).containsExactlyInAnyOrder("loop-L1-1", "loop-L2-1");
        for (List<ImageCaptured> events : coils.values()) {
            assertThat(events).extracting(ImageCaptured::getSequence).containsExactly(0L, 1L, 2L);
            assertThat(events).extracting(ImageCaptured::getPositionMm).containsExactly(0.0, 250.0, 500.0);
            for (int i = 0; i < stream.size(); i++) {
                assertThat(IngestFixture.bytes(events.get(i))).isEqualTo(Files.readAllBytes(stream.get(i)));
            }
        }
    }

    @Test
    void aFolderWithoutImagesIsABadInput(@TempDir Path empty) throws Exception {
        Files.writeString(empty.resolve("notes.txt"), "nothing to replay");
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ReplayCommand());
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("--dataset", empty.toString(), "--topic", sink.topic(),
                "--bootstrap-servers", TestInfrastructure.kafka().bootstrapServers(),
                "--registry", TestInfrastructure.registry().ccompatUrl());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no .jpg/.jpeg/.png images in " + empty);
    }

    @Test
    void aRegistryThatRefusesOrDoesNotAnswerStopsTheReplayAtItsFirstImage() throws Exception {
        Path images = SharedData.require("severstal-stream").resolve("images");
        for (String[] registry : new String[][] {{TestInfrastructure.registry().ccompatUrl(), "--no-auto-register"},
                {"http://127.0.0.1:1/apis/ccompat/v7", null}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = CommandLines.create(new ReplayCommand());
            cli.setErr(new PrintWriter(err));
            long started = System.nanoTime();
            List<String> args = new ArrayList<>(List.of("--dataset", images.toString(), "--topic", sink.topic(), "--rate", "50",
                    "--bootstrap-servers", TestInfrastructure.kafka().bootstrapServers(), "--registry", registry[0]));
            if (registry[1] != null) {
                args.add(registry[1]); // the topic's schema was never deployed
            }

            int exit = cli.execute(args.toArray(String[]::new));

            assertThat(exit).as(err.toString()).isEqualTo(1);
            assertThat(err.toString()).contains("the schema registry refused the images' schema or did not answer").doesNotContain("\tat ");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("not the 89 images one by one")
                    .isLessThan(java.time.Duration.ofSeconds(40));
        }
        assertThat(IngestFixture.readAll(sink.topic(), java.time.Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aClusterThatDoesNotAnswerIsSaidAtOnceNotAfterEveryImageTimedOut() throws Exception {
        Path images = SharedData.require("severstal-stream").resolve("images");
        for (String[] servers : new String[][] {{"127.0.0.1:1", "no Kafka broker answers at 127.0.0.1:1"},
                {"localhost", "cannot connect to localhost"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = CommandLines.create(new ReplayCommand());
            cli.setErr(new PrintWriter(err));
            long started = System.nanoTime();

            int exit = cli.execute("--dataset", images.toString(), "--topic", sink.topic(), "--bootstrap-servers", servers[0],
                    "--registry", TestInfrastructure.registry().ccompatUrl());

            assertThat(exit).as(err.toString()).isEqualTo(2);
            assertThat(err.toString()).contains(servers[1]).contains("--bootstrap-servers").doesNotContain("\tat ");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(20));
        }
    }
}
