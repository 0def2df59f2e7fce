package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.analytics.review.ExportLabelsCommand;
import dev.coilsight.analytics.review.ReviewReader;
import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.schemas.ReviewVerdict;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * The review loop on the real broker and registry, in headless Chromium: a reviewer confirms one real Severstal image,
 * rejects another and repaints a third with the mouse; each review arrives on the reviews topic once, with the masks
 * that were painted; viewers may not review; a retry stores nothing new; and {@code export-labels} turns the reviews
 * into a Kaggle-layout data set whose masks are the reviewed ones, which the trainer's data set reader opens; a
 * candidate model's results in shadow are compared with the live ones and the reviews, in the API and on the page; a
 * send that fails after the editor was closed is still reported, by image, and sent again; a correction refused because
 * the image was reviewed meanwhile keeps the reviewer's own masks, which sending again stores.
 */
@ExtendWith(RealInfrastructureExtension.class)
class ReviewBrowserIT {

    private static final long T0 = Instant.parse("2026-12-06T09:00:00Z").toEpochMilli();
    private static final String COIL = "coil-R";
    private static final String REVIEWER_TOKEN = "alice-reviewer-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path state;

    @TempDir
    Path exported;

    @Test
    void reviewsMadeInTheBrowserArriveOnceWithThePaintedMasksAndExportAsADataSet() throws Exception {
        SeverstalImages severstal = SeverstalImages.load();
        Map<String, List<RleRow>> truth = severstal.truth();
        // The corrected image has one class; the confirmed one another, so that the page offers a class to move the mask to.
        List<String> ids = new ArrayList<>(truth.keySet());
        String corrected = ids.stream().filter(id -> truth.get(id).size() == 1).findFirst().orElseThrow();
        int correctedClass = truth.get(corrected).get(0).classId();
        String confirmed = ids.stream().filter(id -> truth.get(id).stream().noneMatch(r -> r.classId() == correctedClass)).findFirst().orElseThrow();
        String rejected = ids.stream().filter(id -> !id.equals(corrected) && !id.equals(confirmed)).findFirst().orElseThrow();
        List<String> images = List.of(confirmed, rejected, corrected);
        // An image the classifier passed as clean, sent for audit; it has defects the reviewer will paint.
        String audited = ids.stream().filter(id -> !images.contains(id)).findFirst().orElseThrow();

        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("review-" + UUID.randomUUID().toString().substring(0, 6));
        topics.create(2);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "analytics-review", state,
                Map.of("COILSIGHT_ANALYTICS_REVIEWER_TOKENS", "alice=" + REVIEWER_TOKEN + ",bob=bob-reviewer-token-0123456789"));
             KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            AnalyticsFixture.awaitRunning(service);
            long t = T0;
            for (String imageId : images) {
                t += 1000;
                AnalyticsFixture.send(producer, topics.classifications(), COIL, Records.classified(COIL, imageId, "L7", t, true));
                AnalyticsFixture.send(producer, topics.defective(), COIL, BrowserFixture.image(COIL, imageId, t, severstal.bytes(imageId)));
                AnalyticsFixture.send(producer, topics.defects(), COIL, BrowserFixture.segmentation(COIL, imageId, t, truth.get(imageId)));
            }
            DefectiveImage passed = BrowserFixture.image(COIL, audited, t + 1000, severstal.bytes(audited));
            passed.getClassification().setDefective(false);
            AnalyticsFixture.send(producer, topics.audit(), COIL, passed);
            Await.until(Duration.ofSeconds(60), () -> {
                JsonNode defects = AnalyticsFixture.get(service, "/v1/coils/" + COIL + "/defects").statusCode() == 200
                        ? AnalyticsFixture.json(service, "/v1/coils/" + COIL + "/defects").get("defects") : null;
                return defects != null && defects.size() == 3 && defects.findValues("imageUrl").stream().noneMatch(JsonNode::isNull);
            }, "three defective images with their bytes kept");

            String reviewPath = "/v1/coils/" + COIL + "/images/" + confirmed + "/reviews";
            String body = "{\"reviewId\":\"api-1\",\"verdict\":\"CONFIRMED\"}";
            assertThat(post(service, reviewPath, body, "application/json").statusCode()).as("no token").isEqualTo(401);
            assertThat(post(service, reviewPath, body, "application/json", "Authorization", "Bearer " + AnalyticsFixture.VIEWER_TOKEN)
                    .statusCode()).as("a viewer's token").isEqualTo(403);
            assertThat(post(service, reviewPath, body, "text/plain", "Authorization", "Bearer " + REVIEWER_TOKEN).statusCode())
                    .as("not JSON (a form on another site)").isEqualTo(415);
            HttpResponse<byte[]> badRle = post(service, "/v1/coils/" + COIL + "/images/" + corrected + "/reviews",
                    "{\"reviewId\":\"api-2\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":1,\"rle\":\"409600 10\"}]}",
                    "application/json", "Authorization", "Bearer " + REVIEWER_TOKEN);
            assertThat(badRle.statusCode()).isEqualTo(400);
            assertThat(new String(badRle.body())).contains("masks[0].rle");

            String painted;
            int[] classes = new int[2];
            ChromeDriver browser = BrowserFixture.chromium();
            try {
                browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + REVIEWER_TOKEN);
                browser.get("http://127.0.0.1:" + service.httpPort() + "/?coil=" + COIL);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(d -> d.findElements(By.cssSelector("#images .card button.review-open")).size() == 3);

                openReview(browser, wait, confirmed);
                browser.findElement(By.id("review-confirm")).click();
                wait.until(d -> "CONFIRMED".equals(d.findElement(By.id("review-canvas")).getAttribute("data-reviewed")));

                openReview(browser, wait, rejected);
                browser.findElement(By.id("review-reject")).click();
                wait.until(d -> "REJECTED".equals(d.findElement(By.id("review-canvas")).getAttribute("data-reviewed")));

                openReview(browser, wait, corrected);
                // The model called the defect class X; the reviewer says it is Y, moves the mask there and paints more of it.
                int modelClass = truth.get(corrected).get(0).classId();
                Select relabelTo = new Select(browser.findElement(By.id("review-relabel-to")));
                int reviewedClass = relabelTo.getOptions().stream().map(o -> Integer.parseInt(o.getAttribute("value")))
                        .filter(c -> truth.get(corrected).stream().noneMatch(r -> r.classId() == c)).findFirst().orElseThrow();
                new Select(browser.findElement(By.id("review-class"))).selectByValue(String.valueOf(modelClass));
                relabelTo.selectByValue(String.valueOf(reviewedClass));
                browser.findElement(By.id("review-relabel")).click();
                assertThat(new Select(browser.findElement(By.id("review-class"))).getFirstSelectedOption().getAttribute("value"))
                        .isEqualTo(String.valueOf(reviewedClass));
                classes[0] = modelClass;
                classes[1] = reviewedClass;
                WebElement canvas = browser.findElement(By.id("review-canvas"));
                // A stroke across the left part of the image, in page pixels from the canvas' centre.
                new Actions(browser).moveToElement(canvas, -canvas.getSize().getWidth() / 3, 0).clickAndHold()
                        .moveByOffset(120, 10).moveByOffset(60, -20).release().perform();
                painted = canvas.getAttribute("data-masks");
                browser.findElement(By.id("review-save")).click();
                wait.until(d -> "CORRECTED".equals(d.findElement(By.id("review-canvas")).getAttribute("data-reviewed")));
                assertThat(browser.findElement(By.id("review-status")).getText()).contains("by alice");
                Path screenshot = Path.of("target", "review.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            } finally {
                browser.quit();
            }

            // A client that did not hear the answer sends the correction again with the same id: nothing new is stored.
            JsonNode paintedMasks = AnalyticsFixture.JSON.readTree(painted);
            String correctionId = reviews(topics, 3).stream().filter(r -> r.getImageId().equals(corrected)).findFirst().orElseThrow().getReviewId();
            HttpResponse<byte[]> retry = post(service, "/v1/coils/" + COIL + "/images/" + corrected + "/reviews",
                    "{\"reviewId\":\"" + correctionId + "\",\"verdict\":\"CORRECTED\",\"masks\":" + painted + "}", "application/json",
                    "Authorization", "Bearer " + REVIEWER_TOKEN);
            assertThat(retry.statusCode()).as(new String(retry.body())).isEqualTo(200);

            List<DefectReviewed> reviews = reviews(topics, 3);
            assertThat(reviews).hasSize(3).allSatisfy(r -> {
                assertThat(r.getReviewer()).isEqualTo("alice");
                assertThat(r.getCoilId()).isEqualTo(COIL);
                assertThat(r.getModel().getName()).isEqualTo("ground-truth");
            });
            Map<String, DefectReviewed> byImage = new HashMap<>();
            reviews.forEach(r -> byImage.put(r.getImageId(), r));
            DefectReviewed confirmation = byImage.get(confirmed);
            assertThat(confirmation.getVerdict()).isEqualTo(ReviewVerdict.CONFIRMED);
            assertThat(confirmation.getReviewedMasks()).extracting(ReviewMask::getClassId, ReviewMask::getRle)
                    .containsExactlyElementsOf(truth.get(confirmed).stream().sorted(java.util.Comparator.comparingInt(RleRow::classId))
                            .map(row -> org.assertj.core.groups.Tuple.tuple(row.classId(), row.rle())).toList());
            assertThat(byImage.get(rejected).getVerdict()).isEqualTo(ReviewVerdict.REJECTED);
            assertThat(byImage.get(rejected).getReviewedMasks()).isEmpty();
            assertThat(byImage.get(rejected).getModelMasks()).hasSize(truth.get(rejected).size());

            DefectReviewed correction = byImage.get(corrected);
            assertThat(correction.getVerdict()).isEqualTo(ReviewVerdict.CORRECTED);
            List<org.assertj.core.groups.Tuple> sent = new ArrayList<>();
            paintedMasks.forEach(m -> sent.add(org.assertj.core.groups.Tuple.tuple(m.get("classId").asInt(), m.get("rle").asText())));
            assertThat(correction.getReviewedMasks()).extracting(ReviewMask::getClassId, ReviewMask::getRle).containsExactlyElementsOf(sent);
            // The model's class-X mask now is class Y's, with the stroke added; the other classes are as the model had them.
            int modelClass = classes[0], reviewedClass = classes[1];
            assertThat(correction.getReviewedMasks()).extracting(ReviewMask::getClassId).contains(reviewedClass).doesNotContain(modelClass);
            for (ReviewMask mask : correction.getReviewedMasks()) {
                BinaryMask after = RunLengthEncoding.decode(mask.getRle(), Records.HEIGHT, Records.WIDTH);
                BinaryMask before = union(truth.get(corrected), mask.getClassId());
                if (mask.getClassId() == reviewedClass) {
                    before = union(truth.get(corrected), modelClass);
                    assertThat(after.pixelCount()).as("the stroke added pixels").isGreaterThan(before.pixelCount());
                } else {
                    assertThat(after.pixelCount()).isEqualTo(before.pixelCount());
                }
                assertThat(contains(after, before)).as("class %d keeps the model's pixels", mask.getClassId()).isTrue();
            }

            // A candidate in shadow: as the live model but for the rejected image, where it finds nothing, as the reviewer said.
            long ts = T0 + 10_000;
            for (String imageId : images) {
                List<RleRow> rows = imageId.equals(rejected) ? List.of() : truth.get(imageId);
                DefectSegmentation candidate = BrowserFixture.segmentation(COIL, imageId, ts, rows);
                candidate.setModel(new ModelRef("candidate", "9"));
                AnalyticsFixture.send(producer, topics.defectsShadow(), COIL, candidate);
            }
            Await.until(Duration.ofSeconds(30), () -> AnalyticsFixture.json(service, "/v1/shadow").get("segmenter").get("imagesCompared").asInt() == 3,
                    "the shadow's three results compared");
            JsonNode comparison = AnalyticsFixture.json(service, "/v1/shadow").get("segmenter");
            assertThat(comparison.get("shadow").asText()).isEqualTo("candidate:9");
            assertThat(comparison.get("againstReviews").get("images").asInt()).isEqualTo(3);
            // People rejected the image the live model found defects on and the shadow did not: the shadow scores higher.
            assertThat(comparison.get("againstReviews").get("shadowDice").asDouble())
                    .isGreaterThan(comparison.get("againstReviews").get("liveDice").asDouble());
            assertThat(comparison.get("disagreements").get(0).get("imageId").asText()).isEqualTo(rejected);
            assertThat(comparison.get("disagreements").get(0).get("dice").asDouble()).isZero();
            assertThat(comparison.get("disagreements").get(1).get("dice").asDouble()).isEqualTo(1.0);
            String[] auditPainted = new String[1];
            String[] mine = new String[1];
            ChromeDriver viewer = BrowserFixture.chromium();
            try {
                viewer.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + REVIEWER_TOKEN);
                WebDriverWait wait = new WebDriverWait(viewer, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(d -> "3".equals(d.findElement(By.id("shadow")).getAttribute("data-compared"))
                        && d.findElements(By.cssSelector("#shadow-disagreements li")).size() == 3);
                assertThat(viewer.findElement(By.id("shadow-models")).getText()).contains("candidate:9", "ground-truth:train.csv");
                // A disagreement opens in the editor from the keyboard too: the item focused, Enter.
                Keyboard.enterOn(viewer, "#shadow-disagreements li[data-image-id='" + confirmed + "']");
                wait.until(d -> confirmed.equals(d.findElement(By.id("review-canvas")).getAttribute("data-image-id"))
                        && "ready".equals(d.findElement(By.id("review-canvas")).getAttribute("data-state")));

                // The audit list: the reviewer paints the defect the classifier missed. The first send is answered 503 only
                // once the editor was closed: the failure is still reported, naming the image, and sent again from there.
                viewer.executeScript("""
                        const real = window.fetch.bind(window);
                        window.fetch = (url, init) => {
                          if (init && init.method === 'POST' && String(url).endsWith('/reviews') && !window.__reviewRefused) {
                            window.__reviewRefused = true;
                            return new Promise(resolve => { window.__answerReview = () => resolve(new Response(
                                JSON.stringify({ error: 'unavailable', message: 'coil being rebalanced' }),
                                { status: 503, headers: { 'Content-Type': 'application/json' } })); });
                          }
                          return real(url, init);
                        };
                        """);
                wait.until(d -> !d.findElements(By.cssSelector("#audit-images li[data-image-id='" + audited + "'] button")).isEmpty());
                viewer.findElement(By.cssSelector("#audit-images li[data-image-id='" + audited + "'] button")).click();
                wait.until(d -> audited.equals(d.findElement(By.id("review-canvas")).getAttribute("data-image-id"))
                        && "ready".equals(d.findElement(By.id("review-canvas")).getAttribute("data-state")));
                assertThat(viewer.findElement(By.id("review-canvas")).getAttribute("data-masks")).isEqualTo("[]");
                WebElement canvas = viewer.findElement(By.id("review-canvas"));
                new Actions(viewer).moveToElement(canvas, 0, 0).clickAndHold().moveByOffset(80, 0).release().perform();
                auditPainted[0] = canvas.getAttribute("data-masks");
                viewer.findElement(By.id("review-save")).click();
                wait.until(d -> Boolean.TRUE.equals(viewer.executeScript("return typeof window.__answerReview === 'function';")));
                // While the send is under way no second verdict can race it.
                assertThat(viewer.findElement(By.id("review-save")).isEnabled()).as("save during a send").isFalse();
                assertThat(viewer.findElement(By.id("review-confirm")).isEnabled()).as("confirm during a send").isFalse();
                viewer.findElement(By.id("review-close")).click();
                viewer.executeScript("window.__answerReview();");
                By auditNotice = By.cssSelector("#review-notices li[data-image-id='" + audited + "']");
                wait.until(d -> d.findElements(auditNotice).size() == 1
                        && d.findElement(auditNotice).getText().contains("not stored: " + audited)
                        && d.findElement(auditNotice).getText().contains("503"));
                viewer.findElement(By.cssSelector("#review-notices li[data-image-id='" + audited + "'] button.retry")).click();
                wait.until(d -> d.findElements(auditNotice).isEmpty());

                // Rejected earlier (by this reviewer), which this editor did not show: a correction painted here is refused, the
                // earlier review is described, and the reviewer's own masks stay in the editor.
                viewer.findElement(By.cssSelector("#shadow-disagreements li[data-image-id='" + rejected + "']")).click();
                wait.until(d -> rejected.equals(d.findElement(By.id("review-canvas")).getAttribute("data-image-id"))
                        && "ready".equals(d.findElement(By.id("review-canvas")).getAttribute("data-state")));
                WebElement editor = viewer.findElement(By.id("review-canvas"));
                String modelMasks = editor.getAttribute("data-masks");
                assertThat(modelMasks).as("the model's masks").isNotEqualTo("[]");
                assertThat(viewer.findElement(By.id("review-model")).getText()).as("the segmenter, from the image view").contains("ground-truth");
                new Actions(viewer).moveToElement(editor, -editor.getSize().getWidth() / 4, 0).clickAndHold()
                        .moveByOffset(100, 10).release().perform();
                mine[0] = editor.getAttribute("data-masks");
                assertThat(mine[0]).as("the stroke changed the masks").isNotEqualTo(modelMasks);
                viewer.findElement(By.id("review-save")).click();
                wait.until(d -> d.findElement(By.id("review-status")).getText().contains("reviewed this image meanwhile"));
                assertThat(viewer.findElement(By.id("review-status")).getText()).as("the earlier review is this reviewer's")
                        .contains("you reviewed this image meanwhile (rejected");
                assertThat(editor.getAttribute("data-reviewed")).isEqualTo("REJECTED");
                assertThat(editor.getAttribute("data-masks")).as("the reviewer's own masks, not the rejection's").isEqualTo(mine[0]);
                By rejectedNotice = By.cssSelector("#review-notices li[data-image-id='" + rejected + "']");
                assertThat(viewer.findElement(rejectedNotice).getText()).contains("not stored: " + rejected);
                // The earlier review on request, and back; what would be sent stays the reviewer's own.
                viewer.findElement(By.id("review-toggle")).click();
                wait.until(d -> "theirs".equals(d.findElement(By.id("review-canvas")).getAttribute("data-showing")));
                assertThat(editor.getAttribute("data-masks")).isEqualTo(mine[0]);
                viewer.findElement(By.id("review-toggle")).click();
                wait.until(d -> "mine".equals(d.findElement(By.id("review-canvas")).getAttribute("data-showing")));
                // Sent again: the reviewer's masks replace the rejection knowingly.
                viewer.findElement(By.id("review-resend")).click();
                wait.until(d -> "CORRECTED".equals(d.findElement(By.id("review-canvas")).getAttribute("data-reviewed")));
                wait.until(d -> d.findElements(rejectedNotice).isEmpty());
            } finally {
                viewer.quit();
            }

            List<DefectReviewed> later = reviews(topics, 5);
            assertThat(later).as("the audit and the replacement, each stored once").hasSize(5);
            DefectReviewed audit = later.stream().filter(r -> r.getImageId().equals(audited)).findFirst().orElseThrow();
            assertThat(audit.getAudit()).isTrue();
            assertThat(audit.getVerdict()).isEqualTo(ReviewVerdict.CORRECTED);
            assertThat(audit.getModel().getName()).as("the classifier passed it").isEqualTo("test-classifier");
            assertThat(audit.getModelMasks()).isEmpty();
            JsonNode auditMasks = AnalyticsFixture.JSON.readTree(auditPainted[0]);
            assertThat(auditMasks).hasSize(1);
            assertThat(audit.getReviewedMasks()).singleElement().satisfies(m -> {
                assertThat(m.getRle()).isEqualTo(auditMasks.get(0).get("rle").asText());
                assertThat(m.getPixelCount()).isPositive();
            });
            DefectReviewed replacement = later.stream().filter(r -> r.getImageId().equals(rejected) && r.getVerdict() == ReviewVerdict.CORRECTED)
                    .findFirst().orElseThrow();
            assertThat(replacement.getReviewer()).isEqualTo("alice");
            List<org.assertj.core.groups.Tuple> mineSent = new ArrayList<>();
            AnalyticsFixture.JSON.readTree(mine[0]).forEach(m -> mineSent.add(org.assertj.core.groups.Tuple.tuple(m.get("classId").asInt(), m.get("rle").asText())));
            assertThat(replacement.getReviewedMasks()).as("the reviewer's own masks, not the rejection's")
                    .extracting(ReviewMask::getClassId, ReviewMask::getRle).containsExactlyElementsOf(mineSent).isNotEmpty();
            byImage.put(rejected, replacement);
            byImage.put(audited, audit);

            int exit = CommandLines.create(new ExportLabelsCommand()).execute("--out", exported.toString(), "--topic", topics.reviews(),
                    "--bootstrap-servers", TestInfrastructure.kafka().bootstrapServers(), "--registry", TestInfrastructure.registry().ccompatUrl());
            assertThat(exit).isZero();
            LabeledDataset data = Datasets.open(exported, Optional.empty());
            List<String> exportedIds = new ArrayList<>(images);
            exportedIds.add(audited);
            assertThat(data.imageIds()).containsExactlyInAnyOrderElementsOf(exportedIds);
            for (String imageId : exportedIds) {
                assertThat(Files.readAllBytes(data.imagePath(imageId))).isEqualTo(severstal.bytes(imageId));
                Map<Integer, BinaryMask> masks = data.masks(imageId, Records.HEIGHT, Records.WIDTH);
                List<ReviewMask> expected = byImage.get(imageId).getReviewedMasks();
                assertThat(masks.keySet()).containsExactlyElementsOf(expected.stream().map(ReviewMask::getClassId).toList());
                for (ReviewMask mask : expected) {
                    assertThat(RunLengthEncoding.encode(masks.get(mask.getClassId())))
                            .isEqualTo(RunLengthEncoding.encode(RunLengthEncoding.decode(mask.getRle(), Records.HEIGHT, Records.WIDTH)));
                }
            }
        }
    }

    private static void openReview(ChromeDriver browser, WebDriverWait wait, String imageId) {
        wait.until(d -> {
            d.findElement(By.cssSelector("#images canvas[data-image-id='" + imageId + "']")).findElement(By.xpath(".."))
                    .findElement(By.cssSelector("button.review-open")).click();
            return true;
        });
        wait.until(d -> imageId.equals(d.findElement(By.id("review-canvas")).getAttribute("data-image-id"))
                && "ready".equals(d.findElement(By.id("review-canvas")).getAttribute("data-state")));
    }

    private static List<DefectReviewed> reviews(AnalyticsFixture.TestTopics topics, int atLeast) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers());
        settings.put(RegistryClientConfig.URL, TestInfrastructure.registry().ccompatUrl());
        List<List<DefectReviewed>> read = new ArrayList<>();
        Await.until(Duration.ofSeconds(30), () -> {
            read.clear();
            List<DefectReviewed> all = new ArrayList<>();
            ReviewReader.readAll(settings, topics.reviews(), Duration.ofSeconds(20), (n, total) -> { }, all::add);
            read.add(all);
            return read.get(0).size() >= atLeast;
        }, atLeast + " reviews on " + topics.reviews());
        return read.get(0);
    }

    private static BinaryMask union(List<RleRow> rows, int classId) {
        BinaryMask out = new BinaryMask(Records.HEIGHT, Records.WIDTH);
        for (RleRow row : rows) {
            if (row.classId() == classId) {
                BinaryMask m = RunLengthEncoding.decode(row.rle(), Records.HEIGHT, Records.WIDTH);
                for (int x = 0; x < Records.WIDTH; x++) {
                    for (int y = 0; y < Records.HEIGHT; y++) {
                        if (m.get(y, x)) {
                            out.set(y, x, true);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean contains(BinaryMask outer, BinaryMask inner) {
        for (int x = 0; x < Records.WIDTH; x++) {
            for (int y = 0; y < Records.HEIGHT; y++) {
                if (inner.get(y, x) && !outer.get(y, x)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static HttpResponse<byte[]> post(AnalyticsService service, String path, String body, String contentType, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
