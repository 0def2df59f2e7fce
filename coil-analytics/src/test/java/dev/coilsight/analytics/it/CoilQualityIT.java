package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.GradeLevel;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * A coil as a quality engineer meets it, on the real broker and registry and in headless Chromium: real Severstal
 * defects on a 10 m coil, one of them a roll mark repeating every 1,800 mm; the line ends the coil; the grade lands on
 * the grades topic once, the API serves the same figures, the alert appears, the report page shows every section with
 * the API's figures, and the dashboard draws the coil map and opens a defect's image from it.
 */
@ExtendWith(RealInfrastructureExtension.class)
class CoilQualityIT {

    private static final long T0 = Instant.parse("2026-12-06T07:00:00Z").toEpochMilli();
    private static final String COIL = "coil-Q";
    private static final double PITCH = 1800;
    private static final int FRAMES = 40;

    @TempDir
    Path state;

    @Test
    void anEndedCoilIsGradedOnceAndItsMapReportAndAlertShowTheSameFigures() throws Exception {
        SeverstalImages severstal = SeverstalImages.load();
        Map<String, List<RleRow>> truth = severstal.truth();
        // The roll mark: an image with class 1 only; the other defects: images with class 3 only (no class rejects the coil).
        String mark = only(truth, 1).get(0);
        List<String> others = only(truth, 3).subList(0, 3);

        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("quality-" + UUID.randomUUID().toString().substring(0, 6));
        topics.create(2);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "analytics-quality", state, Map.of("COILSIGHT_COIL_END_SETTLE_MS", "1000"));
             KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            AnalyticsFixture.awaitRunning(service);
            for (int frame = 0; frame < FRAMES; frame++) {
                boolean defective = frame == 5 || frame == 17 || frame == 30;
                String imageId = defective ? others.get(frame == 5 ? 0 : frame == 17 ? 1 : 2) : COIL + "-frame-" + frame;
                send(producer, topics, classified(imageId, frame * 256.0, frame, defective));
                if (defective) {
                    send(producer, topics, positioned(BrowserFixture.segmentation(COIL, imageId, T0 + frame, truth.get(imageId)), frame * 256.0, frame));
                    AnalyticsFixture.send(producer, topics.defective(), COIL, BrowserFixture.image(COIL, imageId, T0 + frame, severstal.bytes(imageId)));
                }
            }
            for (int turn = 0; turn < 6; turn++) {
                String imageId = "mark-turn-" + turn;
                double at = 1000 + turn * PITCH;
                send(producer, topics, classified(imageId, at, 100 + turn, true));
                send(producer, topics, positioned(BrowserFixture.segmentation(COIL, imageId, T0 + 100 + turn, truth.get(mark)), at, 100 + turn));
            }
            AnalyticsFixture.send(producer, topics.coilEnds(), COIL, new CoilEnded(COIL, "L5", Instant.now(), null, "test"));

            List<CoilGraded> grades = readGrades(topics.coilGrades(), 1);
            assertThat(grades).singleElement().satisfies(g -> {
                assertThat(g.getVersion()).isEqualTo(1);
                assertThat(g.getGrade()).isEqualTo(GradeLevel.C);
                assertThat(g.getDecidingRule()).isEqualTo("no-roll-marks");
                assertThat(g.getImagesInspected()).isEqualTo(FRAMES + 6);
                // One roll: its spots of class 1 are one periodic defect.
                assertThat(g.getPeriodicDefects()).singleElement().satisfies(p -> {
                    assertThat(p.getClassId()).isEqualTo(1);
                    assertThat(p.getPitchMm()).isCloseTo(PITCH, within(0.02 * PITCH));
                    assertThat(p.getCount()).isEqualTo(6);
                    assertThat(p.getSpots()).isPositive();
                });
                assertThat(g.getReason()).contains("measured 1");
            });
            CoilGraded graded = grades.get(0);

            JsonNode grade = AnalyticsFixture.json(service, "/v1/coils/" + COIL + "/grade");
            assertThat(grade.get("state").asText()).isEqualTo("GRADED");
            assertThat(grade.get("grade").asText()).isEqualTo("C");
            assertThat(grade.get("endReason").asText()).isEqualTo("EXPLICIT");
            assertThat(grade.get("defects").asLong()).isEqualTo(graded.getDefects());
            assertThat(grade.get("classes")).hasSize(graded.getClasses().size());
            JsonNode map = AnalyticsFixture.json(service, "/v1/coils/" + COIL + "/map?limit=10000");
            assertThat(map.get("total").asLong()).isEqualTo(graded.getDefects());
            assertThat(map.get("periodic")).hasSize(graded.getPeriodicDefects().size());
            JsonNode slice = AnalyticsFixture.json(service, "/v1/coils/" + COIL + "/map?fromMm=0&toMm=2000&limit=10000");
            assertThat(slice.get("total").asLong()).isPositive().isLessThan(graded.getDefects());
            for (JsonNode d : slice.get("defects")) {
                assertThat(d.get("alongEndMm").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(d.get("alongStartMm").asDouble()).isLessThanOrEqualTo(2000);
            }
            Await.until(Duration.ofSeconds(30), () -> AnalyticsFixture.json(service, "/v1/alerts").get("alerts").findValuesAsText("kind")
                    .contains("PERIODIC_DEFECT"), "the roll-mark alert among the recent alerts");
            String metrics = new String(AnalyticsFixture.get(service, "/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("coilsight_analytics_coil_grades_total{grade=\"C\",line=\"L5\"} 1.0")
                    .contains("coilsight_analytics_quality_alerts_total{kind=\"PERIODIC_DEFECT\",line=\"L5\"}")
                    .contains("coilsight_analytics_last_quality_alert_timestamp_seconds{kind=\"PERIODIC_DEFECT\",line=\"L5\"}")
                    .contains("coilsight_analytics_last_coil_grade_timestamp_seconds{grade=\"C\",line=\"L5\"}");

            ChromeDriver browser = BrowserFixture.chromium();
            try {
                String base = "http://127.0.0.1:" + service.httpPort();
                browser.get(base + "/?token=" + AnalyticsFixture.VIEWER_TOKEN + "&coil=" + COIL);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(d -> d.findElement(By.id("detail-grade")).getText().equals("grade C")
                        && d.findElements(By.cssSelector("#strip rect.defect")).size() == map.get("returned").asInt());
                assertThat(browser.findElement(By.id("strip")).getAttribute("data-periodic")).isEqualTo(String.valueOf(map.get("periodic").size()));
                assertThat(browser.findElements(By.cssSelector("#strip line.roll-mark"))).hasSize(6 * map.get("periodic").size());
                wait.until(d -> !d.findElements(By.cssSelector("#alerts li[data-kind='PERIODIC_DEFECT']")).isEmpty());

                // A roll-mark defect clicked on the map: its image is no longer among the recent ones, its masks still are.
                ((JavascriptExecutor) browser).executeScript(
                        "document.querySelector(\"#strip rect.defect[data-image-id='mark-turn-0']\").dispatchEvent(new MouseEvent('click'))");
                wait.until(d -> !d.findElements(By.cssSelector("#map-image canvas[data-state='drawn']")).isEmpty());
                WebElement canvas = browser.findElement(By.cssSelector("#map-image canvas"));
                assertThat(canvas.getAttribute("data-image-id")).isEqualTo("mark-turn-0");
                assertThat(canvas.getAttribute("data-mask-pixels")).isEqualTo(canvas.getAttribute("data-expected-pixels")).isNotEqualTo("0");
                // The same from the keyboard: a mark focused, Enter shows its image.
                Keyboard.enterOn(browser, "#strip rect.defect[data-image-id='mark-turn-1']");
                wait.until(d -> !d.findElements(By.cssSelector("#map-image canvas[data-image-id='mark-turn-1'][data-state='drawn']")).isEmpty());
                Files.write(Path.of("target", "dashboard-coil-map.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

                // The grade and the map cannot be read (503, as while a rebalance moves the coil): the page keeps grade C and
                // the strip, marks both as not refreshed and does not say it is live, instead of showing the coil as running.
                int strip = browser.findElements(By.cssSelector("#strip rect.defect")).size();
                ((JavascriptExecutor) browser).executeScript("""
                        const real = window.fetch.bind(window);
                        window.fetch = (url, init) => {
                          if (!/\\/(grade|map)(\\?|$)/.test(String(url))) return real(url, init);
                          state.mapVersion = null; // every refresh asks for the map again, not only the next one
                          return Promise.resolve(new Response(JSON.stringify({ error: 'unavailable', message: 'coil being rebalanced' }),
                              { status: 503, headers: { 'Content-Type': 'application/json' } }));
                        };
                        """);
                // (After a few seconds without a good refresh the page says stale rather than error, naming the failures still.)
                wait.until(d -> List.of("error", "stale").contains(d.findElement(By.id("status")).getAttribute("data-state"))
                        && d.findElement(By.id("status")).getText().contains("/grade: 503")
                        && d.findElement(By.id("status")).getText().contains("/map?limit=5000: 503"));
                assertThat(browser.findElement(By.id("detail-grade")).getText()).isEqualTo("grade C");
                assertThat(browser.findElement(By.id("grade-reason")).getText()).contains("not refreshed", "503");
                assertThat(browser.findElement(By.id("strip-note")).getText()).contains("coil map not refreshed", "503");
                assertThat(browser.findElement(By.id("strip")).getAttribute("data-stale")).isEqualTo("true");
                assertThat(browser.findElements(By.cssSelector("#strip rect.defect"))).as("the last strip read stays").hasSize(strip);

                // One class palette: the dashboard's colour for every class id (1..255) is the printed report's.
                @SuppressWarnings("unchecked")
                List<List<Number>> dashboardColours = (List<List<Number>>) ((JavascriptExecutor) browser).executeScript(
                        "return Array.from({ length: 255 }, (_, i) => colour(i + 1));");
                java.lang.reflect.Method reportColour = Class.forName("dev.coilsight.analytics.http.CoilReportPage")
                        .getDeclaredMethod("colour", int.class);
                reportColour.setAccessible(true);
                for (int id = 1; id <= 255; id++) {
                    int[] rgb = (int[]) reportColour.invoke(null, id);
                    assertThat(dashboardColours.get(id - 1).stream().map(Number::intValue).toList()).as("colour of class %d", id)
                            .containsExactly(rgb[0], rgb[1], rgb[2]);
                }
                assertThat(dashboardColours.subList(0, 8).stream().map(c -> c.stream().map(Number::intValue).toList()).toList())
                        .as("classes 1 to 8 in distinct colours").doesNotHaveDuplicates();

                browser.get(base + "/v1/coils/" + COIL + "/report");
                for (String section : List.of("grade", "map", "classes", "periodic", "worst")) {
                    assertThat(browser.findElements(By.id(section))).as("report section " + section).hasSize(1);
                }
                assertThat(browser.findElement(By.id("grade-letter")).getText()).isEqualTo("C");
                assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("GRADED");
                // The report's class swatches in the dashboard's colours.
                @SuppressWarnings("unchecked")
                List<List<Object>> swatches = (List<List<Object>>) ((JavascriptExecutor) browser).executeScript(
                        "return [...document.querySelectorAll('#classes tr[data-class-id]')]"
                                + ".map(r => [Number(r.dataset.classId), getComputedStyle(r.querySelector('.swatch')).backgroundColor]);");
                assertThat(swatches).isNotEmpty();
                for (List<Object> swatch : swatches) {
                    List<Integer> rgb = dashboardColours.get(((Number) swatch.get(0)).intValue() - 1).stream().map(Number::intValue).toList();
                    assertThat(swatch.get(1)).as("swatch of class " + swatch.get(0))
                            .isEqualTo("rgb(" + rgb.get(0) + ", " + rgb.get(1) + ", " + rgb.get(2) + ")");
                }
                for (JsonNode c : grade.get("classes")) {
                    WebElement row = browser.findElement(By.cssSelector("#classes tr[data-class-id='" + c.get("classId").asInt() + "']"));
                    assertThat(row.findElement(By.className("defects")).getText()).isEqualTo(String.valueOf(c.get("defects").asLong()));
                }
                assertThat(browser.findElements(By.cssSelector("#strip rect.defect"))).hasSize((int) graded.getDefects());
                assertThat(browser.findElements(By.cssSelector("#worst figure img"))).hasSizeBetween(1, 6);
                assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
                        "return [...document.querySelectorAll('#worst img')].every(i => i.complete && i.naturalWidth === 1600)")).isTrue();
                Path screenshot = Path.of("target", "coil-report.png");
                Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                assertThat(Files.size(screenshot)).isGreaterThan(10_000);
            } finally {
                browser.quit();
            }
            // The same report as PDF: every section's heading and the grade in its text.
            java.net.http.HttpResponse<byte[]> pdf = AnalyticsFixture.get(service, "/v1/coils/" + COIL + "/report.pdf");
            assertThat(pdf.statusCode()).isEqualTo(200);
            assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
            try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(pdf.body())) {
                String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
                assertThat(text).contains("Coil report " + COIL, "Grade", "no-roll-marks", "Coil map", "Defects per class",
                        "Periodic (roll-mark) defects", "Worst defect images");
                Files.write(Path.of("target", "coil-report.pdf"), pdf.body());
            }
            assertThat(readGrades(topics.coilGrades(), 1)).as("graded once").hasSize(1);
        }
    }

    private static List<String> only(Map<String, List<RleRow>> truth, int classId) {
        return truth.entrySet().stream().filter(e -> e.getValue().size() == 1 && e.getValue().get(0).classId() == classId)
                .map(Map.Entry::getKey).toList();
    }

    private static ImageClassified classified(String imageId, double positionMm, long sequence, boolean defective) {
        ImageClassified c = Records.classified(COIL, imageId, "L5", T0 + sequence, defective);
        c.setPositionMm(positionMm);
        c.setSequence(sequence);
        return c;
    }

    private static DefectSegmentation positioned(DefectSegmentation s, double positionMm, long sequence) {
        s.setLineId("L5");
        s.setPositionMm(positionMm);
        s.setSequence(sequence);
        return s;
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, AnalyticsFixture.TestTopics topics, SpecificRecord record) {
        String topic = record instanceof ImageClassified ? topics.classifications() : topics.defects();
        AnalyticsFixture.send(producer, topic, COIL, record);
    }

    /** The grades on the topic, waiting until {@code count} arrived (60 s at most), then a quiet second for any more. */
    private static List<CoilGraded> readGrades(String topic, int count) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers());
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, "grades-" + UUID.randomUUID());
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(RegistryClientConfig.URL, TestInfrastructure.registry().ccompatUrl());
        configs.put("specific.avro.value.type", CoilGraded.class);
        SpecificAvroDeserializer<CoilGraded> values = new SpecificAvroDeserializer<>();
        values.configure(configs, false);
        List<CoilGraded> out = new ArrayList<>();
        try (KafkaConsumer<String, CoilGraded> consumer = new KafkaConsumer<>(configs, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CoilGraded> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> out.add(r.value()));
        }
        return out;
    }
}
