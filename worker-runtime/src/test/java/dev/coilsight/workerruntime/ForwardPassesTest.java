package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

class ForwardPassesTest {

    private static final ModelCard CARD = new ModelCard("m", "1", ModelCard.SEGMENTATION, "serving_default", InputSpec.padded("input", 1, 8),
            "mask", List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0)), null, null, null, null);

    /** An image of one 10 x 10 input whose first value marks it. */
    private static class FakeImage implements ForwardPasses.Image {
        final float mark;
        List<float[]> outputs;
        RuntimeException failure;

        FakeImage(float mark) {
            this.mark = mark;
        }

        @Override
        public List<Preprocessor.Prepared> inputs() {
            float[] values = new float[100];
            values[0] = mark;
            return List.of(new Preprocessor.Prepared(values, 10, 10, 1, 10, 10));
        }

        @Override
        public void outputs(List<float[]> outputs) {
            this.outputs = outputs;
        }

        @Override
        public void failed(RuntimeException error) {
            failure = error;
        }
    }

    private final List<Integer> passSizes = new ArrayList<>();

    private BatchProcessor.Predict failingOn(float mark) {
        return inputs -> {
            passSizes.add(inputs.size());
            if (inputs.stream().anyMatch(p -> p.values()[0] == mark)) {
                throw new IllegalArgumentException("bad input " + mark);
            }
            return inputs.stream().map(p -> new float[] {p.values()[0]}).toList();
        };
    }

    @Test
    void aBatchOverThePixelBudgetIsSplitIntoPassesThatFit() {
        List<FakeImage> images = List.of(new FakeImage(1), new FakeImage(2), new FakeImage(3));
        int inferred = new ForwardPasses("seg", new InputBudget(100, 250)).run(images, CARD, failingOn(-1));
        assertThat(inferred).isEqualTo(3);
        assertThat(passSizes).containsExactly(2, 1);
        assertThat(images).allSatisfy(i -> assertThat(i.outputs.get(0)[0]).isEqualTo(i.mark));
    }

    @Test
    void anImageTheModelFailsOnAloneIsGivenUpAndTheOthersGoThrough() {
        List<FakeImage> images = List.of(new FakeImage(1), new FakeImage(2), new FakeImage(3));
        int inferred = new ForwardPasses("seg", InputBudget.DEFAULT).run(images, CARD, failingOn(2));
        assertThat(inferred).isEqualTo(2);
        assertThat(images.get(1).failure).hasMessage("bad input 2.0");
        assertThat(images.get(0).outputs.get(0)[0]).isEqualTo(1);
        assertThat(images.get(2).outputs.get(0)[0]).isEqualTo(3);
    }

    @Test
    void aModelThatFailsOnABlankInputTooStopsTheBatchWithoutGivingUpAnImage() {
        List<FakeImage> images = List.of(new FakeImage(1), new FakeImage(2));
        BatchProcessor.Predict broken = inputs -> {
            throw new IllegalStateException("predictor closed");
        };
        assertThatThrownBy(() -> new ForwardPasses("seg", InputBudget.DEFAULT).run(images, CARD, broken))
                .isInstanceOf(ModelProbe.ModelUnavailableException.class)
                .hasMessageContaining("predictor closed").hasMessageContaining("blank 64x64");
        assertThat(images).allSatisfy(i -> assertThat(i.failure).isNull());
    }

    @Test
    void afterASwapToAModelOfAnotherInputTheBlankInputFollowsTheNewCard() {
        ForwardPasses passes = new ForwardPasses("seg", InputBudget.DEFAULT);
        passes.run(List.of(new FakeImage(1)), CARD, failingOn(-1)); // the old model took 10 x 10
        ModelCard resized = new ModelCard("m", "2", ModelCard.SEGMENTATION, "serving_default",
                new InputSpec("input", "NHWC", 1, InputSpec.RESIZE, 1, 32, 48, 1.0 / 255, null, null), "mask",
                List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0)), null, null, null, null);
        List<String> shapes = new ArrayList<>();
        BatchProcessor.Predict takesOnly32x48 = inputs -> {
            shapes.add(inputs.get(0).height() + "x" + inputs.get(0).width());
            if (inputs.get(0).height() != 32 || inputs.get(0).values()[0] == 7) {
                throw new IllegalArgumentException("bad");
            }
            return List.of(new float[1]);
        };
        FakeImage bad = new FakeImage(7);
        passes.run(List.of(bad), resized, takesOnly32x48);
        assertThat(bad.failure).as("the record's fault, not the model's").hasMessage("bad");
        assertThat(shapes).containsExactly("10x10", "32x48");
    }

    @Test
    void theBlankInputTakesTheShapeTheModelLastTook() {
        List<Integer> heights = new ArrayList<>();
        ForwardPasses passes = new ForwardPasses("seg", InputBudget.DEFAULT);
        passes.run(List.of(new FakeImage(1)), CARD, failingOn(-1));
        BatchProcessor.Predict failsOnMark = inputs -> {
            heights.add(inputs.get(0).height());
            if (inputs.get(0).values()[0] == 7) {
                throw new IllegalArgumentException("bad");
            }
            return List.of(new float[1]);
        };
        FakeImage bad = new FakeImage(7);
        passes.run(List.of(bad), CARD, failsOnMark);
        assertThat(bad.failure).hasMessage("bad");
        assertThat(heights).containsExactly(10, 10);
    }

    @Test
    void theBlankInputBeforeAnyIsWhatTheCardSaysTheModelTakesAWindowedClassifiersWindowAtTheLeast() {
        ModelCard pooledClassifier = new ModelCard("c", "1", ModelCard.CLASSIFICATION, "serving_default", InputSpec.padded("input", 1, 32),
                "p", List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), new ModelCard.Decision(0.5, 256, 320, true), null, null, null, null);
        List<int[]> shapes = new ArrayList<>();
        BatchProcessor.Predict recording = inputs -> {
            inputs.forEach(p -> shapes.add(new int[] {p.height(), p.width()}));
            return inputs.stream().map(p -> new float[] {0.1f}).toList();
        };

        new ForwardPasses("classifier", InputBudget.DEFAULT).checkModel(pooledClassifier, recording);
        new ForwardPasses("segmenter", InputBudget.DEFAULT).checkModel(CARD, recording);
        // A swap to a card with the same input but another decision: the shape the earlier model took proves nothing.
        ModelCard windowsOf128 = new ModelCard("c", "0", ModelCard.CLASSIFICATION, "serving_default", InputSpec.padded("input", 1, 32),
                "p", List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), new ModelCard.Decision(0.5, 128, 128), null, null, null, null);
        ForwardPasses swapped = new ForwardPasses("classifier", InputBudget.DEFAULT);
        FakeImage window = new FakeImage(1) {
            @Override
            public List<Preprocessor.Prepared> inputs() {
                return List.of(new Preprocessor.Prepared(new float[128 * 128], 128, 128, 1, 128, 128));
            }
        };
        swapped.run(List.of(window), windowsOf128, recording);
        swapped.checkModel(pooledClassifier, recording);

        assertThat(shapes).containsExactly(new int[] {256, 320}, new int[] {64, 64}, new int[] {128, 128}, new int[] {256, 320});
    }
}
