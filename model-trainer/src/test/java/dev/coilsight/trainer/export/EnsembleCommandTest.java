package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.ModelArithmetic;

/** ensemble writes one servable model whose probabilities are the mean of its members', and refuses members that do not fit together. */
class EnsembleCommandTest {

    private static final List<ModelCard.ClassSpec> NEU = List.of(new ModelCard.ClassSpec(1, "inclusions", 0.6, 20),
            new ModelCard.ClassSpec(2, "patches", 0.5, 0), new ModelCard.ClassSpec(3, "scratches", 0.5, 0));

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void aResUNetAndAMobileNetUNetServeAsOneModelWhoseMapsAreTheMeanOfTheirsOnARealImage() throws Exception {
        Path resunet = member("resunet", TinyModels.segmenter(), NEU, 11);
        Path mobilenet = member("mobilenet", TinyModels.mobileNetSegmenter(1), NEU, 12);
        Path ensemble = dir.resolve("ensemble");

        CommandRun run = run(resunet.toString(), mobilenet.toString(), "--output", ensemble.toString(), "--name", "neu-ensemble");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("the mean of resunet 1, mobilenet 1");
        ModelCard card = ModelCard.read(ensemble);
        assertThat(card.name()).isEqualTo("neu-ensemble");
        assertThat(card.input().multiple()).as("a size both members take").isEqualTo(32);
        assertThat(card.classes()).isEqualTo(NEU);
        assertThat(card.architecture()).containsEntry("type", Architecture.ENSEMBLE).containsEntry("batchNormFolded", true);
        List<Map<String, Object>> sources = (List<Map<String, Object>>) card.training().get("ensembleOf");
        assertThat(sources).extracting(m -> m.get("name")).containsExactly("resunet", "mobilenet");
        assertThat(sources).extracting(m -> m.get("command")).containsExactly("./coilsight train resunet", "./coilsight train mobilenet");
        assertThat((String) card.training().get("command")).startsWith("./coilsight ensemble ").contains("--name neu-ensemble");
        assertThat(Architecture.recordedMembers(card)).containsExactly(TinyModels.segmenter(), TinyModels.mobileNetSegmenter(1));
        double sum = ModelArithmetic.gflopPerImage(ModelCard.read(resunet), 224, 224).orElseThrow()
                + ModelArithmetic.gflopPerImage(ModelCard.read(mobilenet), 224, 224).orElseThrow();
        assertThat(ModelArithmetic.gflopPerImage(card, 200, 200).orElseThrow()).isCloseTo(sum, offset(1e-9));

        Path image;
        try (var files = Files.list(TinyModels.neu().resolve("images"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        try (LoadedModel served = LoadedModel.load(ensemble); LoadedModel a = LoadedModel.load(resunet); LoadedModel b = LoadedModel.load(mobilenet);
             LoadedModel.Session s = served.newSession(); LoadedModel.Session sa = a.newSession(); LoadedModel.Session sb = b.newSession()) {
            Preprocessor.Prepared prepared = served.preprocessor().prepare(new ImageDecoder().decode(image, ColorMode.forChannels(1)));
            assertThat(prepared.height()).isEqualTo(224);
            float[] mean = s.predict(List.of(prepared)).get(0);
            float[] pa = sa.predict(List.of(prepared)).get(0);
            float[] pb = sb.predict(List.of(prepared)).get(0);
            assertThat(mean).hasSize(224 * 224 * 3);
            assertThat(pa).isNotEqualTo(pb);
            for (int i = 0; i < mean.length; i++) {
                assertThat(mean[i]).as("pixel value %d", i).isCloseTo((pa[i] + pb[i]) / 2, offset(1e-5f));
            }
        }
    }

    @Test
    void membersWithOtherClassesAClassifierOrAnExistingOutputAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path neu = member("neu", TinyModels.segmenter(), NEU, 13);
        Path other = member("other", TinyModels.segmenter(), List.of(new ModelCard.ClassSpec(1, "inclusions", 0.5, 0),
                new ModelCard.ClassSpec(2, "patches", 0.5, 0), new ModelCard.ClassSpec(3, "holes", 0.5, 0)), 14);

        CommandRun otherClasses = run(neu.toString(), other.toString(), "--output", dir.resolve("out").toString());
        assertThat(otherClasses.exitCode()).isEqualTo(2);
        assertThat(otherClasses.err()).contains("must share their classes").contains("3=holes");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();

        Architecture classifierArch = TinyModels.classifier();
        Path classifier = dir.resolve("classifier");
        ModelExporter.export(classifierArch, TinyModels.trainedLookingWeights(classifierArch, 15), new ModelCard("classifier", "1",
                ModelCard.CLASSIFICATION, "serving_default", InputSpec.padded("input", 1, classifierArch.sizeMultiple()), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), null, Map.of("width", 4, "depth", 2), Map.of(), Map.of()), classifier);
        CommandRun withClassifier = run(neu.toString(), classifier.toString(), "--output", dir.resolve("out").toString());
        assertThat(withClassifier.exitCode()).isEqualTo(2);
        assertThat(withClassifier.err()).contains("is a classification model");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();

        CommandRun one = run(neu.toString(), "--output", dir.resolve("out").toString());
        assertThat(one.exitCode()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("out"))).isFalse();

        CommandRun existing = run(neu.toString(), neu.toString(), "--output", other.toString());
        assertThat(existing.exitCode()).isEqualTo(2);
        assertThat(existing.err()).contains("exists");
    }

    private Path member(String name, Architecture arch, List<ModelCard.ClassSpec> classes, long seed) {
        Map<String, Object> architecture = Map.of("type", "tiny test segmenter", "encoder", arch.encoder().label(), "width", arch.width(),
                "depth", arch.depth(), "channels", 1, "outputs", arch.classes());
        ModelCard card = new ModelCard(name, "1", ModelCard.SEGMENTATION, "serving_default", InputSpec.padded("input", 1, arch.sizeMultiple()),
                "probabilities", classes, null, architecture, Map.of("command", "./coilsight train " + name), Map.of());
        Path model = dir.resolve(name);
        ModelExporter.export(arch, TinyModels.trainedLookingWeights(arch, seed), card, model);
        return model;
    }

    private CommandRun run(String... args) {
        String[] withLog = java.util.Arrays.copyOf(args, args.length + 2);
        withLog[args.length] = "--log-file";
        withLog[args.length + 1] = dir.resolve("log.txt").toString();
        return CommandRun.of(CommandLines.create(new EnsembleCommand()), withLog);
    }
}
