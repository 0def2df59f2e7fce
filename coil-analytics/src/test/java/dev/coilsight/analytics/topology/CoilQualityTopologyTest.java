package dev.coilsight.analytics.topology;

import static dev.coilsight.analytics.TopologyDrivers.TOPICS;
import static dev.coilsight.analytics.Records.classified;
import static dev.coilsight.analytics.Records.segmented;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;
import dev.coilsight.analytics.TopologyDrivers;
import dev.coilsight.analytics.coilmap.CameraLayout;
import dev.coilsight.analytics.grading.GradingRules;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.AlertKind;
import dev.coilsight.schemas.CoilEndReason;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.GradeLevel;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.QualityAlert;

/** Coil ends, grades and alerts, record by record and second by second, in Kafka Streams' TopologyTestDriver. */
class CoilQualityTopologyTest {

    private static final long T0 = Instant.parse("2026-12-06T08:00:00Z").toEpochMilli();
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Frames of 256 rows at 1 mm per row. */
    private static final int FRAME_MM = 256;

    private static final String RULES = """
            {"version": "test-4",
             "alerts": {"maxLineDefectRate": 0.5, "minImagesPerWindow": 10, "neverClasses": [4]},
             "products": [{"product": "sheet", "rules": [
               {"id": "no-roll-marks", "maxPeriodic": 0, "grade": "C"},
               {"id": "class-3-per-100m", "class": 3, "maxDefectsPer100m": 100, "grade": "B"},
               {"id": "class-5-per-100m", "class": 5, "maxDefectsPer100m": 300, "grade": "C"}
             ]}]}""";

    @TempDir
    Path stateDir;

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-06T09:00:00Z").toEpochMilli());
    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageClassified> classifications;
    private TestInputTopic<String, DefectSegmentation> defects;
    private TestInputTopic<String, CoilEnded> ends;
    private TestOutputTopic<String, CoilGraded> grades;
    private TestOutputTopic<String, QualityAlert> alerts;

    private void start() {
        GradingRules rules = GradingRules.parse(new ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8)), "rules.json");
        QualitySettings quality = new QualitySettings(CameraLayout.parse("*=1:1:0", "test"), rules, IDLE, SETTLE, 1000, Optional.empty());
        CoilAnalyticsTopology.RecordSerdes serdes = AnalyticsService.serdes(new InMemorySchemaRegistry(), true);
        CoilAnalyticsTopology.Settings settings = new CoilAnalyticsTopology.Settings(Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofHours(1), Duration.ofHours(6), 3, 0);
        driver = new TopologyTestDriver(CoilAnalyticsTopology.build(TOPICS, settings, quality, serdes, clock, QualityListener.NONE, 0),
                TopologyDrivers.properties("quality-test", stateDir), Instant.ofEpochMilli(clock.millis()));
        StringSerializer keys = new StringSerializer();
        classifications = driver.createInputTopic(TOPICS.classifications(), keys, serdes.classified().serializer());
        defects = driver.createInputTopic(TOPICS.defects(), keys, serdes.segmentation().serializer());
        ends = driver.createInputTopic(TOPICS.coilEnds(), keys, serdes.coilEnded().serializer());
        grades = driver.createOutputTopic(TOPICS.coilGrades(), new StringDeserializer(), serdes.graded().deserializer());
        alerts = driver.createOutputTopic(TOPICS.alerts(), new StringDeserializer(), serdes.alertOut().deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void theEndFlagOfTheLastImageGradesTheCoilOnceItsResultsSettle() {
        start();
        for (int i = 0; i < 10; i++) {
            image("A", i, i == 3 || i == 7, i == 9);
        }
        segmentation("A", 3, 3, blob(100, 500));
        segmentation("A", 7, 3, blob(30, 900));
        assertThat(grades.isEmpty()).isTrue();

        tick(SETTLE.minusMillis(500));
        assertThat(grades.isEmpty()).as("graded before its results settled").isTrue();
        tick(Duration.ofSeconds(1));

        List<CoilGraded> graded = grades.readValuesToList();
        assertThat(graded).hasSize(1);
        CoilGraded a = graded.get(0);
        assertThat(a.getCoilId()).isEqualTo("A");
        assertThat(a.getVersion()).isEqualTo(1);
        assertThat(a.getEndReason()).isEqualTo(CoilEndReason.LAST_IMAGE);
        assertThat(a.getInspectedLengthMm()).isEqualTo(10.0 * FRAME_MM);
        assertThat(a.getImagesInspected()).isEqualTo(10);
        assertThat(a.getDefectiveImages()).isEqualTo(2);
        assertThat(a.getDefects()).isEqualTo(2);
        // 2 class-3 defects on 2.56 m = 78 per 100 m: within the limit of 100.
        assertThat(a.getGrade()).isEqualTo(GradeLevel.A);
        assertThat(a.getRulesVersion()).isEqualTo("test-4");
        assertThat(a.getProduct()).isEqualTo("sheet");
        assertThat(a.getClasses()).singleElement().satisfies(c -> {
            assertThat(c.getClassId()).isEqualTo(3);
            assertThat(c.getDefects()).isEqualTo(2);
            assertThat(c.getAreaMm2()).isEqualTo(2 * 25.0);
            assertThat(c.getDefectsPer100m()).isCloseTo(2 * 100 / 2.56, org.assertj.core.data.Offset.offset(1e-9));
        });
        assertThat(a.getModelVersions()).containsExactly("test-classifier:1", "test-segmenter:1");
        assertThat(driver.<String, CoilGraded>getKeyValueStore(CoilAnalyticsTopology.COIL_GRADES_STORE).get("A")).isEqualTo(a);

        tick(Duration.ofMinutes(10));
        assertThat(grades.isEmpty()).as("nothing new, no new grade").isTrue();
    }

    @Test
    void aCoilIsNotGradedWhileASegmentationOfADefectiveImageIsStillDue() {
        start();
        for (int i = 0; i < 10; i++) {
            image("S", i, i == 3 || i == 9, i == 9);
        }
        segmentation("S", 3, 3, blob(100, 500));
        tick(SETTLE.plusSeconds(5));
        assertThat(grades.isEmpty()).as("graded while the last defective image's segmentation was still due").isTrue();

        segmentation("S", 9, 3, blob(30, 900));
        tick(SETTLE.plusSeconds(1));
        CoilGraded graded = grades.readValuesToList().get(0);
        assertThat(graded.getVersion()).as("the first grade has every defect").isEqualTo(1);
        assertThat(graded.getDefects()).isEqualTo(2);
    }

    @Test
    void aSegmentationThatNeverComesDelaysTheGradeByTheIdleTimeAtMost() {
        start();
        for (int i = 0; i < 4; i++) {
            image("N", i, i == 2, i == 3);
        }
        tick(IDLE.minusSeconds(1));
        assertThat(grades.isEmpty()).isTrue();
        tick(Duration.ofSeconds(2));
        assertThat(grades.readValuesToList()).singleElement().satisfies(g -> assertThat(g.getDefectiveImages()).isEqualTo(1));
    }

    @Test
    void aSpeckledMasksDefectsBeyondTheMapsLimitPerImageStillCountInTheGrade() {
        start();
        for (int frame = 0; frame < 100; frame++) { // 25.6 m
            image("S", frame, frame == 0, frame == 99);
        }
        BinaryMask speckles = new BinaryMask(256, 1600);
        for (int i = 0; i < 100; i++) {
            speckles.set(10, 2 * i, true); // a pixel in every other column: 100 separate components
        }
        segmentation("S", 0, 5, RunLengthEncoding.encode(speckles));
        tick(SETTLE.plusSeconds(1));

        CoilGraded graded = grades.readValuesToList().get(0);
        assertThat(graded.getDefects()).as("64 placed on the map and 36 counted beyond it").isEqualTo(100);
        // 100 defects on 25.6 m are 391 per 100 m, over the limit of 300; the 64 on the map alone would be 250.
        assertThat(graded.getGrade()).isEqualTo(GradeLevel.C);
        assertThat(graded.getDecidingRule()).isEqualTo("class-5-per-100m");
        assertThat(graded.getClasses()).singleElement().satisfies(c -> assertThat(c.getDefects()).isEqualTo(100));
    }

    @Test
    void resultsAfterAnExplicitEndRegradeTheCoilAsANewVersion() {
        start();
        for (int i = 0; i < 4; i++) {
            image("B", i, true, false);
        }
        segmentation("B", 0, 3, blob(10, 100));
        ends.pipeInput("B", new CoilEnded("B", "L1", Instant.ofEpochMilli(T0), null, "test"));
        // Three segmentations are still due; the segmenter is behind by more than the idle time, so the coil is graded without them.
        tick(IDLE.plusMillis(100));
        CoilGraded first = grades.readValue();
        assertThat(first.getVersion()).isEqualTo(1);
        assertThat(first.getEndReason()).isEqualTo(CoilEndReason.EXPLICIT);
        assertThat(first.getDefects()).isEqualTo(1);

        // The segmenter was behind: three more defects arrive after the grade; 4 on 1.024 m breaks the class-3 limit.
        for (int i = 1; i < 4; i++) {
            segmentation("B", i, 3, blob(10, 100));
        }
        ends.pipeInput("B", new CoilEnded("B", "L1", Instant.ofEpochMilli(T0), null, "test again"));
        tick(SETTLE.plusMillis(100));
        List<CoilGraded> later = grades.readValuesToList();
        assertThat(later).hasSize(1);
        assertThat(later.get(0).getVersion()).isEqualTo(2);
        assertThat(later.get(0).getDefects()).isEqualTo(4);
        assertThat(later.get(0).getGrade()).isEqualTo(GradeLevel.B);
        assertThat(later.get(0).getDecidingRule()).isEqualTo("class-3-per-100m");
        assertThat(later.get(0).getEndReason()).as("the first end counts").isEqualTo(CoilEndReason.EXPLICIT);
    }

    @Test
    void aCoilWithoutResultsForTheIdleTimeEnds() {
        start();
        image("C", 0, false, false);
        image("C", 1, false, false);
        tick(IDLE.minusSeconds(5));
        assertThat(grades.isEmpty()).isTrue();
        tick(Duration.ofSeconds(5 + SETTLE.toSeconds() + 1));
        CoilGraded c = grades.readValue();
        assertThat(c.getEndReason()).isEqualTo(CoilEndReason.IDLE);
        assertThat(c.getGrade()).isEqualTo(GradeLevel.A);
        assertThat(c.getDecidingRule()).isNull();
    }

    @Test
    void aRollMarkAlertsWhileTheCoilRunsAndLowersItsGrade() {
        start();
        // A mark every 1,500 mm at the same place across: frames are 256 mm, so the mark falls on frame k*1500/256.
        int frames = 40;
        for (int i = 0; i < frames; i++) {
            image("D", i, false, false);
        }
        for (int turn = 0; turn < 6; turn++) {
            double along = 300 + turn * 1500.0;
            int frame = (int) (along / FRAME_MM);
            int row = (int) Math.round(along - frame * FRAME_MM);
            segmentation("D", frame, 1, blobAt(row, 700, 4));
        }
        tick(Duration.ofSeconds(1));
        List<QualityAlert> raised = alerts.readValuesToList();
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.getKind()).isEqualTo(AlertKind.PERIODIC_DEFECT);
            assertThat(alert.getCoilId()).isEqualTo("D");
            assertThat(alert.getClassId()).isEqualTo(1);
            assertThat(alert.getValue()).isCloseTo(1500.0, org.assertj.core.data.Offset.offset(2.0));
            assertThat(alert.getMessage()).contains("every 1500 mm").contains("477 mm diameter");
        });

        ends.pipeInput("D", new CoilEnded("D", "L1", Instant.ofEpochMilli(T0), null, "test"));
        tick(SETTLE.plusSeconds(1));
        CoilGraded d = grades.readValue();
        assertThat(d.getGrade()).isEqualTo(GradeLevel.C);
        assertThat(d.getDecidingRule()).isEqualTo("no-roll-marks");
        assertThat(d.getPeriodicDefects()).singleElement().satisfies(p -> {
            assertThat(p.getCount()).isEqualTo(6);
            assertThat(p.getPitchMm()).isCloseTo(1500.0, org.assertj.core.data.Offset.offset(2.0));
            assertThat(p.getRollDiameterMm()).isCloseTo(1500.0 / Math.PI, org.assertj.core.data.Offset.offset(1.0));
        });
        assertThat(alerts.isEmpty()).as("the same roll mark alerts once per coil").isTrue();
    }

    @Test
    void aClassThatMustNeverAppearAlertsOncePerCoil() {
        start();
        image("E", 0, true, false);
        image("E", 1, true, false);
        segmentation("E", 0, 4, blob(5, 5));
        segmentation("E", 1, 4, blob(5, 5));
        List<QualityAlert> raised = alerts.readValuesToList();
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.getKind()).isEqualTo(AlertKind.FORBIDDEN_CLASS);
            assertThat(alert.getClassId()).isEqualTo(4);
            assertThat(alert.getAlertId()).isEqualTo("E/class/4");
        });
    }

    @Test
    void aLineAboveItsDefectRateAlertsOncePerWindow() {
        start();
        for (int i = 0; i < 9; i++) {
            image("F", i, true, false);
        }
        assertThat(alerts.isEmpty()).as("9 images are fewer than the window needs").isTrue();
        image("F", 9, true, false);
        image("G", 0, false, false);
        List<QualityAlert> raised = alerts.readValuesToList();
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.getKind()).isEqualTo(AlertKind.DEFECT_RATE);
            assertThat(alert.getLineId()).isEqualTo("L1");
            assertThat(alert.getCoilId()).isNull();
            assertThat(alert.getValue()).isEqualTo(1.0);
            assertThat(alert.getLimit()).isEqualTo(0.5);
        });
    }

    private void image(String coil, int frame, boolean defective, boolean last) {
        ImageClassified c = classified(coil, coil + frame, "L1", T0 + frame * 100L, defective);
        c.setSequence(frame);
        c.setHeight(FRAME_MM);
        c.setPositionMm((double) frame * FRAME_MM);
        c.setCoilEnd(last);
        classifications.pipeInput(coil, c, Instant.ofEpochMilli(T0 + frame * 100L));
    }

    private void segmentation(String coil, int frame, int classId, String rle) {
        DefectSegmentation s = segmented(coil, coil + frame, "L1", T0 + frame * 100L, classId, rle);
        s.setSequence(frame);
        s.setPositionMm((double) frame * FRAME_MM);
        defects.pipeInput(coil, s, Instant.ofEpochMilli(T0 + frame * 100L));
    }

    /** A 5 x 5 blob with its top-left pixel at (row, col). */
    private static String blob(int row, int col) {
        return blobAt(row, col, 5);
    }

    private static String blobAt(int row, int col, int size) {
        BinaryMask mask = new BinaryMask(256, 1600);
        int top = Math.max(0, Math.min(row, 256 - size));
        for (int r = top; r < top + size; r++) {
            for (int c = col; c < col + size; c++) {
                mask.set(r, c, true);
            }
        }
        return RunLengthEncoding.encode(mask);
    }

    private void tick(Duration by) {
        // The driver's wall clock fires the punctuations, the processors read the clock: both move together.
        for (long left = by.toMillis(); left > 0; left -= 500) {
            long step = Math.min(500, left);
            clock.advance(step);
            driver.advanceWallClockTime(Duration.ofMillis(step));
        }
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        private long millis;

        MovingClock(long millis) {
            this.millis = millis;
        }

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
