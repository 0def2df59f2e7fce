package dev.coilsight.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.data.CropSampler;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.Networks;
import dev.coilsight.trainer.net.Parameters;

/** Tiny networks train a few steps on real NEU-Seg images: the loss falls, runs repeat, frozen layers stay put. */
class TrainingGraphTest {

    private static final List<LabeledImage> IMAGES = TinyModels.neuImages(0, 12);

    private static List<Float> train(Architecture arch, CropSampler.Target target, int steps, long seed, Set<String> frozen) {
        return train(arch, Loss.BCE_DICE, target, steps, seed, frozen);
    }

    private static List<Float> train(Architecture arch, Loss loss, CropSampler.Target target, int steps, long seed, Set<String> frozen) {
        try (TrainingGraph graph = new TrainingGraph(arch, loss, 0.01f, frozen, 1)) {
            graph.assign(graph.parameters().initialValues(seed));
            CropSampler sampler = new CropSampler(IMAGES, target, 64, 64, arch.classes(), new Augmentation(true, 0.1, 0.2),
                    new Preprocessor(InputSpec.padded("input", arch.channels(), arch.sizeMultiple())), seed);
            TrainingGraph.Batch fixed = sampler.next(8);
            List<Float> losses = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                losses.add(graph.step(fixed));
            }
            return losses;
        }
    }

    @Test
    void segmenterLossFallsOnRealImages() {
        List<Float> losses = train(TinyModels.segmenter(), CropSampler.Target.MASK, 12, 1, Set.of());
        assertThat(losses).allMatch(Float::isFinite);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.8f);
    }

    @Test
    void theLovaszHingeTrainsThroughItsSortedErrors() {
        List<Float> losses = train(TinyModels.segmenter(), Loss.LOVASZ, CropSampler.Target.MASK, 12, 1, Set.of());
        assertThat(losses).allMatch(Float::isFinite);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.8f);
    }

    @Test
    void classifierLossFallsOnBalancedWindows() {
        List<Float> losses = train(TinyModels.classifier(), CropSampler.Target.DEFECTIVE, 12, 1, Set.of());
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.8f);
    }

    @Test
    void adamsFirstStepUsesTheFirstStepsBiasCorrectionForEveryWeight() {
        // An update that read the next step's beta powers would move its weight by 0.74 of this.
        firstStepMovesEveryWeightAsAdamSays(null, 0.01);
    }

    @Test
    void aScheduledLearningRateFedWithTheStepReplacesTheGraphsOwn() {
        firstStepMovesEveryWeightAsAdamSays(0.0025f, 0.0025);
    }

    /** One step from fresh weights, at {@code fed} (or the graph's 0.01 when null), moves each weight by Adam's first update at {@code rate}. */
    private static void firstStepMovesEveryWeightAsAdamSays(Float fed, double rate) {
        Architecture arch = TinyModels.segmenter();
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE_DICE, 0.01f, Set.of(), 1)) {
            graph.assign(graph.parameters().initialValues(3));
            Map<String, float[]> before = graph.weights();
            CropSampler sampler = new CropSampler(IMAGES, CropSampler.Target.MASK, 64, 64, arch.classes(), new Augmentation(false, 0, 0),
                    new Preprocessor(InputSpec.padded("input", arch.channels(), arch.sizeMultiple())), 3);
            if (fed == null) {
                graph.step(sampler.next(8));
            } else {
                graph.step(sampler.next(8), fed);
            }
            Map<String, float[]> after = graph.weights();
            double correction = Math.sqrt(1 - AdamOptimizer.BETA_TWO) / (1 - AdamOptimizer.BETA_ONE);
            int checked = 0;
            for (Parameters.Parameter p : graph.parameters().trainable()) {
                float[] m = graph.adamMoment(p.name(), "m");
                float[] v = graph.adamMoment(p.name(), "v");
                for (int i = 0; i < m.length; i++) {
                    double expected = -rate * correction * m[i] / (Math.sqrt(v[i]) + AdamOptimizer.EPSILON);
                    float moved = after.get(p.name())[i] - before.get(p.name())[i];
                    assertThat((double) moved).as("%s[%d]", p.name(), i).isCloseTo(expected, org.assertj.core.data.Offset.offset(rate * 1e-3));
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(1000);
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        List<Float> a = train(TinyModels.segmenter(), CropSampler.Target.MASK, 4, 5, Set.of());
        List<Float> b = train(TinyModels.segmenter(), CropSampler.Target.MASK, 4, 5, Set.of());
        List<Float> c = train(TinyModels.segmenter(), CropSampler.Target.MASK, 4, 6, Set.of());
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void frozenEncoderDoesNotMoveButTheDecoderDoes() {
        Architecture arch = TinyModels.segmenter();
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.DICE, 0.01f, Set.of(Networks.ENCODER_PREFIX), 1)) {
            graph.assign(graph.parameters().initialValues(3));
            var before = graph.weights();
            CropSampler sampler = new CropSampler(IMAGES, CropSampler.Target.MASK, 64, 64, 3, Augmentation.NONE,
                    new Preprocessor(InputSpec.padded("input", arch.channels(), arch.sizeMultiple())), 3);
            for (int i = 0; i < 3; i++) {
                graph.step(sampler.next(4));
            }
            var after = graph.weights();
            assertThat(after.get("enc/res1/conv1/w")).isEqualTo(before.get("enc/res1/conv1/w"));
            assertThat(after.get("dec/res1/conv1/w")).isNotEqualTo(before.get("dec/res1/conv1/w"));
        }
    }

    @Test
    void everyLossBuildsAndIsFinite() {
        for (Loss loss : Loss.values()) {
            try (TrainingGraph graph = new TrainingGraph(TinyModels.segmenter(), loss, 0.001f, Set.of(), 1)) {
                graph.assign(graph.parameters().initialValues(1));
                CropSampler sampler = new CropSampler(IMAGES, CropSampler.Target.MASK, 64, 64, 3, Augmentation.NONE,
                        new Preprocessor(InputSpec.padded("input", TinyModels.segmenter().channels(), TinyModels.segmenter().sizeMultiple())), 1);
                assertThat(graph.step(sampler.next(2))).as(loss.name()).isFinite().isPositive();
            }
        }
    }

    @Test
    void unknownLossIsNamed() {
        assertThatThrownBy(() -> Loss.parse("hinge")).hasMessageContaining("unknown loss 'hinge'").hasMessageContaining("focal-tversky");
    }
}
