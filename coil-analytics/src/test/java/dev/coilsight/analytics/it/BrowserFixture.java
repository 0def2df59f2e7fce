package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.coilsight.analytics.Records;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.BoundingBox;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.ModelRef;

/** Headless Chromium for the page tests, and records made from real Severstal images and their true masks. */
final class BrowserFixture {

    private BrowserFixture() {
    }

    static ChromeDriver chromium() {
        String chromium = System.getenv().getOrDefault("COILSIGHT_CHROMIUM", "/usr/bin/chromium");
        String driver = System.getenv().getOrDefault("COILSIGHT_CHROMEDRIVER", "/usr/bin/chromedriver");
        assertThat(new File(chromium).canExecute()).as("Chromium (apt-get install chromium chromium-driver; .ci/run does)").isTrue();
        assertThat(new File(driver).canExecute()).as("chromedriver (apt-get install chromium-driver; .ci/run does)").isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        Path profile;
        try {
            profile = Files.createTempDirectory("coilsight-chromium-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1600,1200", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).usingAnyFreePort().build();
        return new ChromeDriver(service, options) {
            @Override
            public void quit() {
                try {
                    super.quit();
                } finally {
                    deleteQuietly(profile);
                }
            }
        };
    }

    /** The browser profile goes with the browser: Chromium writes a few MB there per test. */
    private static void deleteQuietly(Path profile) {
        try (java.util.stream.Stream<Path> files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // a file Chromium still held: the temporary folder's own cleaning takes it
        }
    }

    static DefectiveImage image(String coil, String imageId, long t, byte[] jpeg) {
        DefectiveImage d = Records.defectiveImage(coil, imageId, t, jpeg, Records.WIDTH, Records.HEIGHT);
        d.getImage().setEncoding(ImageEncoding.JPEG);
        return d;
    }

    static DefectSegmentation segmentation(String coil, String imageId, long t, List<RleRow> rows) {
        List<DefectMask> masks = new ArrayList<>();
        for (RleRow row : rows) {
            BinaryMask mask = RunLengthEncoding.decode(row.rle(), Records.HEIGHT, Records.WIDTH);
            masks.add(DefectMask.newBuilder().setClassId(row.classId()).setClassName("class " + row.classId()).setRle(row.rle())
                    .setPixelCount(mask.pixelCount()).setBoundingBox(box(mask)).setMeanProbability(1f).setComponentCount(1).build());
        }
        masks.sort(java.util.Comparator.comparingInt(DefectMask::getClassId));
        DefectSegmentation s = Records.segmented(coil, imageId, "L2", t);
        s.setMasks(masks);
        s.setModel(new ModelRef("ground-truth", "train.csv"));
        return s;
    }

    static BoundingBox box(BinaryMask mask) {
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        for (int x = 0; x < mask.width(); x++) {
            for (int y = 0; y < mask.height(); y++) {
                if (mask.get(y, x)) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return new BoundingBox(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }
}
