package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
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

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;

/**
 * The dashboard in real headless Chromium (Debian's chromium + chromium-driver) against a live
 * coil-analytics on the real broker, fed with real Severstal images and their ground-truth masks:
 * the coil table fills and updates without a reload, and the selected coil's images show their masks,
 * decoded from the RLE by the page (painted pixel counts equal the records' pixel counts). Rows are updated in place
 * and a coil is chosen from the keyboard too; a page whose token is refused says so once and asks less often, and a
 * page whose requests hang says its figures are stale instead of live.
 */
@ExtendWith(RealInfrastructureExtension.class)
class DashboardBrowserIT {

    private static final long T0 = Instant.parse("2026-11-29T09:00:00Z").toEpochMilli();

    @TempDir
    Path state;

    @Test
    void dashboardShowsLiveCoilsAndMasksOverTheImages() throws Exception {
        SeverstalImages severstal = SeverstalImages.load();
        Map<String, List<RleRow>> truth = severstal.truth();
        List<String> defective = new ArrayList<>(truth.keySet()).subList(0, 9);

        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("ui");
        topics.create(2);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "analytics-ui", state, Map.of());
             KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            AnalyticsFixture.awaitRunning(service);
            // Three coils; coil-A gets 3 defective images of 3, coil-B 3 of 5, coil-C 3 of 9: distinct defect rates.
            Map<String, Long> pixelsByImage = new LinkedHashMap<>();
            int[] clean = {0, 2, 6};
            String[] coils = {"coil-A", "coil-B", "coil-C"};
            for (int c = 0; c < 3; c++) {
                long t = T0 + c * 100_000L;
                for (int i = 0; i < 3; i++) {
                    String imageId = defective.get(c * 3 + i);
                    t += 1000;
                    DefectSegmentation segmentation = BrowserFixture.segmentation(coils[c], imageId, t, truth.get(imageId));
                    pixelsByImage.put(imageId, segmentation.getMasks().stream().mapToLong(DefectMask::getPixelCount).sum());
                    AnalyticsFixture.send(producer, topics.classifications(), coils[c], Records.classified(coils[c], imageId, "L2", t, true));
                    AnalyticsFixture.send(producer, topics.defective(), coils[c], BrowserFixture.image(coils[c], imageId, t, severstal.bytes(imageId)));
                    AnalyticsFixture.send(producer, topics.defects(), coils[c], segmentation);
                }
                for (int i = 0; i < clean[c]; i++) {
                    t += 1000;
                    AnalyticsFixture.send(producer, topics.classifications(), coils[c],
                            Records.classified(coils[c], coils[c] + "-clean-" + i, "L2", t, false));
                }
            }
            Await.until(Duration.ofSeconds(60), () -> AnalyticsFixture.get(service, "/v1/coils").statusCode() == 200
                    && AnalyticsFixture.json(service, "/v1/coils").get("total").asInt() == 3
                    && AnalyticsFixture.json(service, "/v1/coils/coil-C").get("stats").get("imagesInspected").asInt() == 9,
                    "three coils aggregated");

            ChromeDriver browser = BrowserFixture.chromium();
            try {
                // As a quality engineer signs in: the token once in the address, then the cookie carries it.
                browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + AnalyticsFixture.VIEWER_TOKEN);
                // The page redraws its table every 2 s: an element read while it is replaced is looked up again.
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(d -> d.findElements(By.cssSelector("#coil-table tbody tr")).size() == 3);
                ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'yes';");

                List<String> order = new ArrayList<>();
                for (WebElement row : browser.findElements(By.cssSelector("#coil-table tbody tr"))) {
                    order.add(row.getAttribute("data-coil-id"));
                }
                assertThat(order).containsExactly("coil-A", "coil-B", "coil-C");
                assertThat(browser.findElement(By.cssSelector("tr[data-coil-id='coil-B']")).getText()).contains("60.0%");
                // The legend names each colour's class id in text, not by colour alone.
                List<WebElement> legend = browser.findElements(By.cssSelector("#legend .chip"));
                assertThat(legend).isNotEmpty();
                for (WebElement chip : legend) {
                    assertThat(chip.getText()).startsWith(chip.getAttribute("data-class-id") + " · ");
                }
                // Area fractions far below 0.1 % (a few pixels over a long coil) keep two significant digits rather than reading as none.
                assertThat(((JavascriptExecutor) browser).executeScript("return [pct(3.7e-7), pct(0.0005), pct(0), pct(0.6)];"))
                        .isEqualTo(List.of("0.000037%", "0.050%", "0%", "60.0%"));

                browser.findElement(By.cssSelector("tr[data-coil-id='coil-B']")).click();
                wait.until(d -> d.findElement(By.id("detail-coil")).getText().equals("coil-B")
                        && d.findElements(By.cssSelector("#images canvas[data-state='drawn']")).size() == 3);
                for (WebElement canvas : browser.findElements(By.cssSelector("#images canvas"))) {
                    String imageId = canvas.getAttribute("data-image-id");
                    assertThat(defective.subList(3, 6)).contains(imageId);
                    long painted = Long.parseLong(canvas.getAttribute("data-mask-pixels"));
                    assertThat(painted).isPositive().isEqualTo(pixelsByImage.get(imageId));
                    assertThat(canvas.getAttribute("data-expected-pixels")).isEqualTo(String.valueOf(painted));
                    assertThat(tintedAtFirstMaskPixel(browser, imageId)).as("mask colour over the image of " + imageId).isTrue();
                }
                assertThat(Integer.parseInt(browser.findElement(By.id("trend")).getAttribute("data-windows"))).isPositive();

                // Live: a new result for coil-B shows up without reloading the page, in the same row element (updated in
                // place, not replaced: a click landing during a refresh still hits the coil it was aimed at).
                WebElement heldRow = browser.findElement(By.cssSelector("tr[data-coil-id='coil-B']"));
                AnalyticsFixture.send(producer, topics.classifications(), "coil-B",
                        Records.classified("coil-B", "coil-B-late", "L2", T0 + 200_000, false));
                wait.until(d -> d.findElement(By.cssSelector("tr[data-coil-id='coil-B']")).getText().contains("50.0%"));
                assertThat(heldRow.getAttribute("data-coil-id")).as("the row held across refreshes is still attached").isEqualTo("coil-B");
                assertThat(heldRow.getText()).contains("50.0%");
                assertThat(browser.findElement(By.cssSelector("tr[data-coil-id='coil-B']"))).isEqualTo(heldRow);

                // From the keyboard: the coil's button focused, Enter shows that coil; the focus stays on it across refreshes.
                Keyboard.enterOn(browser, "tr[data-coil-id='coil-C'] button.coil-open");
                wait.until(d -> d.findElement(By.id("detail-coil")).getText().equals("coil-C")
                        && "selected".equals(d.findElement(By.cssSelector("tr[data-coil-id='coil-C']")).getAttribute("class")));
                String shownAt = browser.findElement(By.id("status")).getText();
                wait.until(d -> "live".equals(d.findElement(By.id("status")).getAttribute("data-state"))
                        && !d.findElement(By.id("status")).getText().equals(shownAt));
                assertThat(((JavascriptExecutor) browser).executeScript("return document.activeElement.closest('tr').dataset.coilId;"))
                        .as("the focus after a refresh").isEqualTo("coil-C");
                assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument;")).isEqualTo("yes");
                // Results of another day carry their date, not only a time that reads as today's.
                assertThat(browser.findElement(By.cssSelector("tr[data-coil-id='coil-B']")).getText()).contains("2026");

                // A coil that has expired (here: never existed) named in the address: the page shows the worst coil there is
                // and goes on updating, instead of stopping every panel on its 404.
                browser.get("http://127.0.0.1:" + service.httpPort() + "/?coil=no-such-coil");
                wait.until(d -> d.findElement(By.id("detail-coil")).getText().equals("coil-A"));
                wait.until(d -> "live".equals(d.findElement(By.id("status")).getAttribute("data-state")));

                Path screenshot = Path.of("target", "dashboard.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
                assertThat(Files.size(screenshot)).isGreaterThan(10_000);

                // The token refused (401): one sign-in message, not an error per panel, and no request every 2 s meanwhile.
                ((JavascriptExecutor) browser).executeScript("""
                        window.__realFetch = window.fetch.bind(window);
                        window.__refused = 0;
                        window.fetch = (url, init) => {
                          if (!String(url).startsWith('/v1/')) return window.__realFetch(url, init);
                          window.__refused++;
                          return Promise.resolve(new Response(JSON.stringify({ error: 'unauthorized', message: 'wrong token: open /?token=' }),
                              { status: 401, headers: { 'Content-Type': 'application/json' } }));
                        };
                        """);
                wait.until(d -> d.findElement(By.id("signin")).isDisplayed()
                        && "signin".equals(d.findElement(By.id("status")).getAttribute("data-state")));
                assertThat(browser.findElement(By.id("signin")).getText()).contains("Not signed in", "?token=");
                assertThat(browser.findElement(By.tagName("main")).getAttribute("class")).contains("stale");
                long refused = ((Number) ((JavascriptExecutor) browser).executeScript("return window.__refused;")).longValue();
                Thread.sleep(5000);
                assertThat(((Number) ((JavascriptExecutor) browser).executeScript("return window.__refused;")).longValue())
                        .as("requests in the 5 s after a 401").isEqualTo(refused);
                // Signed in again (here: the requests pass again), a click refreshes at once and the page is live again.
                ((JavascriptExecutor) browser).executeScript("window.fetch = window.__realFetch;");
                browser.findElement(By.cssSelector("tr[data-coil-id='coil-B'] button.coil-open")).click();
                wait.until(d -> !d.findElement(By.id("signin")).isDisplayed()
                        && "live".equals(d.findElement(By.id("status")).getAttribute("data-state")));

                // Requests that never end (a connection dropped silently): within a few seconds the page no longer says
                // live, it says since when its figures are stale, and dims them.
                ((JavascriptExecutor) browser).executeScript("window.fetch = () => new Promise(() => {});");
                new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> "stale".equals(d.findElement(By.id("status")).getAttribute("data-state")));
                assertThat(browser.findElement(By.id("status")).getText()).startsWith("stale since ").doesNotContain("live");
                assertThat(browser.findElement(By.tagName("main")).getAttribute("class")).contains("stale");
            } finally {
                browser.quit();
            }
        }
    }

    /** Whether the canvas pixel at the first pixel of the image's first mask carries the class colour's strongest channel. */
    private static boolean tintedAtFirstMaskPixel(ChromeDriver browser, String imageId) {
        Object ok = ((JavascriptExecutor) browser).executeScript("""
                const canvas = document.querySelector(`#images canvas[data-image-id='${arguments[0]}']`);
                return fetch(`/v1/coils/coil-B/images/${arguments[0]}`).then(r => r.json()).then(img => {
                  const mask = img.masks[0];
                  const p = Number(mask.rle.split(' ')[0]) - 1;
                  const x = Math.floor(p / img.height), y = p % img.height;
                  const px = canvas.getContext('2d').getImageData(x, y, 1, 1).data;
                  const rgb = colour(mask.classId);
                  const strongest = rgb.indexOf(Math.max(...rgb));
                  return px[strongest] >= 0.55 * rgb[strongest] - 1;
                });
                """, imageId);
        return Boolean.TRUE.equals(ok);
    }
}
