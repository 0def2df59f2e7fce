package dev.coilsight.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.model.TestTimeFlips.Flip;

/** Flipped passes are flipped back before they are averaged, in the card and in a real model's session. */
class TestTimeFlipsTest {

    private static final Path NEU_SEGMENTER = Path.of("..", "models", "neu-resunet");

    @TempDir
    Path dir;

    @Test
    void aFlipMovesEachPixelToItsMirrorAndUndoesItself() {
        // 2 rows x 3 columns, 2 channels: value = 10 * (row * 3 + column) + channel
        float[] hwc = new float[12];
        for (int i = 0; i < 6; i++) {
            hwc[2 * i] = 10 * i;
            hwc[2 * i + 1] = 10 * i + 1;
        }
        float[] horizontal = TestTimeFlips.flipped(hwc, 2, 3, 2, Flip.HORIZONTAL);
        float[] vertical = TestTimeFlips.flipped(hwc, 2, 3, 2, Flip.VERTICAL);
        assertThat(horizontal).containsExactly(20, 21, 10, 11, 0, 1, 50, 51, 40, 41, 30, 31);
        assertThat(vertical).containsExactly(30, 31, 40, 41, 50, 51, 0, 1, 10, 11, 20, 21);
        assertThat(TestTimeFlips.flipped(horizontal, 2, 3, 2, Flip.HORIZONTAL)).containsExactly(hwc);
    }

    @Test
    void aTurnOrTransposeSwapsHeightAndWidthAndEveryFlipIsUndoneByItsRestore() {
        // 2 rows x 3 columns, one channel: value = row * 3 + column
        float[] hwc = {0, 1, 2, 3, 4, 5};
        assertThat(TestTimeFlips.flipped(hwc, 2, 3, 1, Flip.TRANSPOSE)).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(TestTimeFlips.flipped(hwc, 2, 3, 1, Flip.ROTATE90)).containsExactly(3, 0, 4, 1, 5, 2);
        assertThat(TestTimeFlips.flipped(hwc, 2, 3, 1, Flip.ROTATE270)).containsExactly(2, 5, 1, 4, 0, 3);
        assertThat(TestTimeFlips.flipped(hwc, 2, 3, 1, Flip.ROTATE180)).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(TestTimeFlips.flipped(hwc, 2, 3, 1, Flip.ANTI_TRANSPOSE)).containsExactly(5, 2, 4, 1, 3, 0);
        float[] twoChannels = new float[12];
        for (int i = 0; i < twoChannels.length; i++) {
            twoChannels[i] = i;
        }
        for (Flip flip : Flip.values()) {
            assertThat(TestTimeFlips.restored(TestTimeFlips.flipped(twoChannels, 2, 3, 2, flip), 2, 3, 2, flip)).as(flip.label())
                    .containsExactly(twoChannels);
        }
    }

    @Test
    void aTransposedPassReachesTheModelWithHeightAndWidthSwappedAndComesBackAligned() {
        Preprocessor.Prepared image = image(2, 4, 9);
        List<Preprocessor.Prepared> seen = new ArrayList<>();
        List<float[]> mean = new TestTimeFlips(List.of(Flip.TRANSPOSE, Flip.ROTATE90)).predict(List.of(image), batch -> {
            seen.addAll(batch);
            return batch.stream().map(p -> p.values().clone()).toList(); // an identity "segmenter"
        }, true);
        assertThat(seen).extracting(Preprocessor.Prepared::height).containsExactly(2, 4, 4);
        assertThat(seen).extracting(Preprocessor.Prepared::width).containsExactly(4, 2, 2);
        assertThat(mean.get(0)).containsExactly(image.values(), org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void aCardWithAFixedOblongInputRefusesAFlipThatSwapsHeightAndWidth() {
        InputSpec oblong = new InputSpec("input", "NHWC", 1, InputSpec.RESIZE, 16, 256, 512, 1 / 255.0, List.of(0.0), List.of(1.0));
        ModelCard card = new ModelCard("m", "1", "segmentation", null, oblong, "probabilities",
                List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0)), null, Map.of(), Map.of(), Map.of());
        assertThat(card.withFlips(TestTimeFlips.parse(List.of("rotate180"))).flips().flips()).containsExactly(Flip.ROTATE180);
        assertThatThrownBy(() -> card.withFlips(TestTimeFlips.parse(List.of("horizontal", "rotate90"))))
                .hasMessageContaining("rotate90 swaps height and width, which the fixed input size 256x512 cannot take");
    }

    @Test
    void aClassifierPoolingOblongWindowsInItsGraphRefusesAFlipThatSwapsHeightAndWidth() {
        ModelCard card = new ModelCard("c", "1", "classification", null, InputSpec.padded("input", 1, 32), "p",
                List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), new ModelCard.Decision(0.5, 256, 320, true), Map.of(), Map.of(), Map.of());
        assertThat(card.withFlips(TestTimeFlips.parse(List.of("horizontal"))).flips().flips()).containsExactly(Flip.HORIZONTAL);
        assertThatThrownBy(() -> card.withFlips(TestTimeFlips.parse(List.of("transpose"))))
                .hasMessageContaining("windows of 256x320 pooled in the graph cannot take");
    }

    @Test
    void eachMapIsTheMeanOfItsPassesFlippedBackSoAPositionBiasAveragesOut() {
        // A "model" that adds its column index: the flipped pass, flipped back, adds (width - 1 - column) instead.
        int height = 2;
        int width = 4;
        UnaryOperator<Preprocessor.Prepared> addsColumn = p -> {
            float[] out = p.values().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] += i % width;
            }
            return new Preprocessor.Prepared(out, height, width, 1, height, width);
        };
        Preprocessor.Prepared image = image(height, width, 5);
        TestTimeFlips flips = new TestTimeFlips(List.of(Flip.HORIZONTAL));

        List<List<Preprocessor.Prepared>> passes = new ArrayList<>();
        List<float[]> mean = flips.predict(List.of(image), batch -> {
            passes.add(batch);
            return batch.stream().map(p -> addsColumn.apply(p).values()).toList();
        }, true);

        assertThat(passes).hasSize(2).allSatisfy(pass -> assertThat(pass).hasSize(1));
        assertThat(passes.get(1).get(0).values()).containsExactly(TestTimeFlips.flipped(image.values(), height, width, 1, Flip.HORIZONTAL));

        float[] expected = image.values().clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] += (width - 1) / 2f;
        }
        assertThat(mean).hasSize(1);
        assertThat(mean.get(0)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void aClassifiersProbabilitiesAreAveragedAsTheyAre() {
        List<Preprocessor.Prepared> batch = List.of(image(32, 32, 1), image(32, 32, 2));
        TestTimeFlips flips = new TestTimeFlips(List.of(Flip.HORIZONTAL, Flip.VERTICAL));
        java.util.Iterator<List<float[]>> passes = List.of(List.of(new float[] {0.9f}, new float[] {0.1f}),
                List.of(new float[] {0.6f}, new float[] {0.4f}), List.of(new float[] {0.3f}, new float[] {0.1f})).iterator();

        List<float[]> mean = flips.predict(batch, pass -> passes.next(), false);

        assertThat(mean.get(0)[0]).isCloseTo(0.6f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(mean.get(1)[0]).isCloseTo(0.2f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThatThrownBy(() -> flips.predict(batch, pass -> List.of(new float[] {0.5f}), false))
                .hasMessageContaining("1 outputs for 2 inputs");
    }

    @Test
    void aCardNamesItsFlipsAndAnUnknownFlipIsNamed() throws Exception {
        ModelCard card = new ModelCard("m", "1", "segmentation", null, InputSpec.padded("input", 1, 16), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0)), null, Map.of(), Map.of(), Map.of());
        assertThat(card.flips().none()).isTrue();
        card.withFlips(TestTimeFlips.parse(List.of("horizontal", "vertical"))).write(dir);
        assertThat(Files.readString(dir.resolve(ModelCard.FILE))).contains("\"testTimeFlips\" : [ \"horizontal\", \"vertical\" ]");
        assertThat(ModelCard.read(dir).flips().flips()).containsExactly(Flip.HORIZONTAL, Flip.VERTICAL);
        assertThat(ModelCard.read(dir).withFlips(TestTimeFlips.parse(List.of("none"))).testTimeFlips()).isNull();

        Files.writeString(dir.resolve(ModelCard.FILE), Files.readString(dir.resolve(ModelCard.FILE)).replace("\"vertical\"", "\"diagonal\""));
        assertThatThrownBy(() -> ModelCard.read(dir)).hasMessageContaining("'testTimeFlips': test-time flip must be one of horizontal, vertical, rotate180, transpose, rotate90, "
                + "rotate270, anti-transpose, got 'diagonal'");
        assertThatThrownBy(() -> TestTimeFlips.parse(List.of("vertical", "VERTICAL"))).hasMessageContaining("repeat");
    }

    @Test
    void aRealSegmentersSessionWithFlipsGivesTheMeanOfItsPlainPassesFlippedBack() {
        Preprocessor.Prepared image = image(64, 96, 9);
        TestTimeFlips both = new TestTimeFlips(List.of(Flip.HORIZONTAL, Flip.VERTICAL));
        try (LoadedModel model = LoadedModel.load(NEU_SEGMENTER); LoadedModel.Session plain = model.newSession(TestTimeFlips.NONE);
             LoadedModel.Session flipped = model.newSession(both)) {
            List<float[]> passes = new ArrayList<>();
            passes.add(plain.predict(List.of(image)).get(0));
            passes.add(plain.predict(TestTimeFlips.flipped(List.of(image), Flip.HORIZONTAL)).get(0));
            passes.add(plain.predict(TestTimeFlips.flipped(List.of(image), Flip.VERTICAL)).get(0));
            int classes = passes.get(0).length / (64 * 96);
            float[] expected = passes.get(0).clone();
            float[] h = TestTimeFlips.flipped(passes.get(1), 64, 96, classes, Flip.HORIZONTAL);
            float[] v = TestTimeFlips.flipped(passes.get(2), 64, 96, classes, Flip.VERTICAL);
            double differs = 0;
            for (int i = 0; i < expected.length; i++) {
                differs = Math.max(differs, Math.abs(expected[i] - h[i]));
                expected[i] = (expected[i] + h[i] + v[i]) / 3;
            }

            float[] actual = flipped.predict(List.of(image)).get(0);

            assertThat(differs).as("the network is not mirror-symmetric, so the passes differ").isGreaterThan(1e-3);
            assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void aRealSegmentersQuarterTurnedPassRunsOnTheTurnedOblongImageAndIsTurnedBack() {
        Preprocessor.Prepared image = image(64, 96, 11);
        try (LoadedModel model = LoadedModel.load(NEU_SEGMENTER); LoadedModel.Session plain = model.newSession(TestTimeFlips.NONE);
             LoadedModel.Session turned = model.newSession(new TestTimeFlips(List.of(Flip.ROTATE90)))) {
            float[] straight = plain.predict(List.of(image)).get(0);
            List<Preprocessor.Prepared> rotated = TestTimeFlips.flipped(List.of(image), Flip.ROTATE90);
            assertThat(rotated.get(0).height()).isEqualTo(96);
            float[] back = TestTimeFlips.restored(plain.predict(rotated).get(0), 64, 96, straight.length / (64 * 96), Flip.ROTATE90);
            float[] expected = new float[straight.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (straight[i] + back[i]) / 2;
            }

            assertThat(turned.predict(List.of(image)).get(0)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void aSessionOpenedWithoutFlipsTakesThoseTheCardNamesAsTheWorkersDo() throws Exception {
        // The workers open their sessions with newSession(): a card naming flips is all it takes.
        Path copy = dir.resolve("flipped-neu");
        Files.createDirectories(copy.resolve("variables"));
        Files.copy(NEU_SEGMENTER.resolve("saved_model.pb"), copy.resolve("saved_model.pb"));
        try (var files = Files.list(NEU_SEGMENTER.resolve("variables"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve("variables").resolve(f.getFileName()));
            }
        }
        TestTimeFlips horizontal = new TestTimeFlips(List.of(Flip.HORIZONTAL));
        ModelCard.read(NEU_SEGMENTER).withFlips(horizontal).write(copy);
        Preprocessor.Prepared image = image(32, 64, 4); // multiples of 32, as the card pads (an ensemble with a MobileNetV2 U-Net)
        try (LoadedModel original = LoadedModel.load(NEU_SEGMENTER); LoadedModel flippedCard = LoadedModel.load(copy);
             LoadedModel.Session asTheCardSays = flippedCard.newSession(); LoadedModel.Session withFlips = original.newSession(horizontal);
             LoadedModel.Session plain = original.newSession(TestTimeFlips.NONE)) {
            float[] fromCard = asTheCardSays.predict(List.of(image)).get(0);
            assertThat(fromCard).containsExactly(withFlips.predict(List.of(image)).get(0), org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(fromCard).isNotEqualTo(plain.predict(List.of(image)).get(0));
        }
    }

    private static Preprocessor.Prepared image(int height, int width, long seed) {
        float[] values = new float[height * width];
        Random random = new Random(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return new Preprocessor.Prepared(values, height, width, 1, height, width);
    }
}
