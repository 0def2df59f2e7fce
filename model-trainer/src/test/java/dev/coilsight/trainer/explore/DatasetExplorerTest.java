package dev.coilsight.trainer.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;

/**
 * The report's numbers against counts made here independently (plain CSV splitting, ImageIO rasters),
 * and every chart a real PNG of the size it should have.
 */
class DatasetExplorerTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void severstalNumbersMatchTheCsv(@TempDir Path out) throws IOException {
        Path root = SharedData.require("severstal-train");
        // Independent count: split the CSV by hand.
        Map<Integer, Set<String>> imagesByClass = new TreeMap<>();
        Map<Integer, Long> pixelsByClass = new TreeMap<>();
        Map<String, Set<Integer>> classesByImage = new HashMap<>();
        List<String> lines = Files.readAllLines(root.resolve("train.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            int classId = Integer.parseInt(cells[1]);
            imagesByClass.computeIfAbsent(classId, c -> new HashSet<>()).add(cells[0]);
            classesByImage.computeIfAbsent(cells[0], c -> new HashSet<>()).add(classId);
            String[] runs = cells[2].split(" ");
            for (int i = 1; i < runs.length; i += 2) {
                pixelsByClass.merge(classId, Long.parseLong(runs[i]), Long::sum);
            }
        }
        long files;
        try (Stream<Path> list = Files.list(root.resolve("train_images"))) {
            files = list.count();
        }
        long[] perImage = new long[4];
        perImage[0] = files - classesByImage.size();
        classesByImage.values().forEach(c -> perImage[Math.min(3, c.size())]++);

        ExplorationSummary summary = new DatasetExplorer(2, QUIET).explore(root, Optional.empty(), out);

        assertThat(summary.layout()).isEqualTo("SEVERSTAL");
        assertThat(summary.images()).isEqualTo(files).isEqualTo(68);
        assertThat(summary.imagesRead()).isEqualTo(68);
        assertThat(summary.defectFreeImages()).isEqualTo(files - classesByImage.size()).isEqualTo(7);
        imagesByClass.forEach((c, images) -> assertThat(summary.imagesPerClass().get(c)).as("class %d", c).isEqualTo(images.size()));
        assertThat(summary.pixelsPerClass()).isEqualTo(pixelsByClass);
        assertThat(summary.defectsPerImage()).containsExactly(Map.entry("0", perImage[0]), Map.entry("1", perImage[1]),
                Map.entry("2", perImage[2]), Map.entry("3+", perImage[3]));
        long both34 = classesByImage.values().stream().filter(c -> c.contains(3) && c.contains(4)).count();
        assertThat(summary.cooccurrence().get(3).get(4)).isEqualTo(both34);
        assertThat(summary.unreadableImages()).isEmpty();
        assertThat(summary.invalidLabels()).isEmpty();
        assertValidCharts(out, summary, 4);
        // summary.json holds the same numbers.
        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(json.get("defectFreeImages").asLong()).isEqualTo(7);
        assertThat(Files.readString(out.resolve("index.html"))).contains("images-per-class.png", "gallery-class-3.png");
    }

    @Test
    void neuSegNumbersMatchTheMasks(@TempDir Path out) throws IOException {
        Path root = SharedData.require("neu-seg");
        Path split = root.resolve("val.txt");
        List<String> ids = Files.readAllLines(split).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        Map<Integer, Long> imagesByClass = new TreeMap<>();
        Map<Integer, Long> pixelsByClass = new TreeMap<>();
        long[] perImage = new long[4];
        for (String id : ids) {
            Raster raster = ImageIO.read(root.resolve("masks").resolve(id + ".png").toFile()).getRaster();
            Map<Integer, Long> counts = new HashMap<>();
            for (int y = 0; y < raster.getHeight(); y++) {
                for (int x = 0; x < raster.getWidth(); x++) {
                    int v = raster.getSample(x, y, 0);
                    if (v != 0) {
                        counts.merge(v, 1L, Long::sum);
                    }
                }
            }
            counts.forEach((c, n) -> {
                imagesByClass.merge(c, 1L, Long::sum);
                pixelsByClass.merge(c, n, Long::sum);
            });
            perImage[Math.min(3, counts.size())]++;
        }

        ExplorationSummary summary = new DatasetExplorer(3, QUIET).explore(root, Optional.of(split), out);

        assertThat(summary.layout()).isEqualTo("MASK_FOLDER");
        assertThat(summary.images()).isEqualTo(ids.size()).isEqualTo(894);
        assertThat(summary.imagesPerClass()).isEqualTo(imagesByClass);
        assertThat(summary.pixelsPerClass()).isEqualTo(pixelsByClass);
        assertThat(summary.defectFreeImages()).isEqualTo(perImage[0]).isZero();
        assertThat(summary.defectsPerImage().get("2")).isEqualTo(perImage[2]);
        assertValidCharts(out, summary, 3);
    }

    @Test
    void unreadableImagesAndBadLabelsAreListedNotFatal(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("data");
        Path images = Files.createDirectories(root.resolve("train_images"));
        Path sample = SharedData.require("severstal-sample").resolve("train_images");
        Files.copy(sample.resolve("000789191.jpg"), images.resolve("000789191.jpg"));
        Files.copy(sample.resolve("0030401a5.jpg"), images.resolve("0030401a5.jpg"));
        byte[] good = Files.readAllBytes(sample.resolve("002e73b3c.jpg"));
        Files.write(images.resolve("broken.jpg"), java.util.Arrays.copyOf(good, good.length / 3));
        Files.writeString(images.resolve("notes.jpg"), "not an image");
        Files.writeString(root.resolve("train.csv"), """
                ImageId,ClassId,EncodedPixels
                0030401a5.jpg,3,100 20 400 30
                0030401a5.jpg,x,1 1
                000789191.jpg,1,50 10 55 10
                missing.jpg,2,1 5
                """);

        ExplorationSummary summary = new DatasetExplorer(1, QUIET).explore(root, Optional.empty(), dir.resolve("out"));

        assertThat(summary.images()).isEqualTo(4);
        assertThat(summary.imagesRead()).isEqualTo(1);
        assertThat(summary.imagesPerClass().get(3)).isEqualTo(1);
        assertThat(summary.unreadableImages()).hasSize(2)
                .anySatisfy(s -> assertThat(s).startsWith("broken.jpg: truncated or corrupt PNG"))
                .anySatisfy(s -> assertThat(s).startsWith("notes.jpg: not a PNG or JPEG"));
        assertThat(summary.invalidLabels()).hasSize(3)
                .anySatisfy(s -> assertThat(s).contains("line 3").contains("ClassId 'x'"))
                .anySatisfy(s -> assertThat(s).contains("missing.jpg is not in train_images/"))
                .anySatisfy(s -> assertThat(s).contains("line 4").contains("overlaps pair 1"));
        assertThat(Files.readString(dir.resolve("out").resolve("index.html"))).contains("Unreadable images (2)", "Invalid labels (3)");
    }

    @Test
    void theCommandPrintsASummaryAndRefusesAnUnknownLayout(@TempDir Path dir) throws IOException {
        CommandRun unknown = CommandRun.of(CommandLines.create(new ExploreCommand()), "--dataset", dir.toString(), "--out", dir.resolve("out").toString());

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("cannot tell the layout").contains("train.csv + train_images/").contains("images/ + masks/");

        CommandRun ok = CommandRun.of(CommandLines.create(new ExploreCommand()), "--dataset", SharedData.require("severstal-sample").toString(), "--out",
                dir.resolve("sample").toString(), "--examples", "1");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("16 images, 16 read, 4 defect-free").contains("report:");
    }

    private static void assertValidCharts(Path out, ExplorationSummary summary, int classes) throws IOException {
        List<String> expected = new java.util.ArrayList<>(List.of("images-per-class.png", "defects-per-image.png",
                "class-cooccurrence.png", "mask-area-pixels.png", "mask-area-fraction.png", "components-per-mask.png",
                "brightness.png", "contrast.png"));
        for (int c = 1; c <= classes; c++) {
            expected.add("location-class-" + c + ".png");
            expected.add("gallery-class-" + c + ".png");
        }
        assertThat(summary.charts()).containsExactlyInAnyOrderElementsOf(expected);
        for (String name : expected) {
            Path file = out.resolve(name);
            byte[] head;
            try (var in = Files.newInputStream(file)) {
                head = in.readNBytes(8);
            }
            assertThat(head).as(name + " is a PNG").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            BufferedImage image = ImageIO.read(file.toFile());
            assertThat(image).as(name).isNotNull();
            if (name.startsWith("gallery-")) {
                assertThat(image.getWidth()).as(name).isEqualTo(Gallery.PANEL_WIDTH);
                assertThat(image.getHeight()).as(name).isPositive();
            } else {
                assertThat(image.getWidth()).as(name).isEqualTo(Charts.WIDTH);
                assertThat(image.getHeight()).as(name).isEqualTo(Charts.HEIGHT);
            }
        }
    }
}
