package dev.coilsight.classifier;

import java.util.List;
import java.util.Map;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.StageTimings;
import dev.coilsight.workerruntime.InferenceStage;
import dev.coilsight.workerruntime.WorkerMain;

/**
 * The classifier service with a test-only fault: the JVM halts, as a native crash would end it (no
 * shutdown hook, no exception, the batch in flight), whenever it is about to run the model on the image
 * named by {@code HALT_ON_IMAGE_ID}, or, with {@code HALT_ON_EVERY_INPUT=true}, whenever the model has run on
 * anything (a model or device that dies on every input, a blank one included). With {@code BREAK_ON_IMAGE_ID} it does
 * not die: from that image on, every forward pass fails, a blank one too (a device left in an error state by one input).
 * With {@code BREAK_AFTER_PASSES=N}, every forward pass after the process's first N fails (a device that breaks by itself).
 */
public final class HaltingClassifierService {

    /** The exit status of a halt, as a SIGSEGV gives 139. */
    static final int HALT_STATUS = 139;

    private HaltingClassifierService() {
    }

    public static void main(String[] args) {
        String victim = System.getenv("HALT_ON_IMAGE_ID");
        WorkerMain.run(args, "The classifier, halting on one image (a test fault).", ClassifierService.DEFAULTS,
                env -> new Halting(ClassifierService.stage(env), victim, "true".equals(System.getenv("HALT_ON_EVERY_INPUT")),
                        System.getenv("BREAK_ON_IMAGE_ID"), Integer.parseInt(System.getenv().getOrDefault("BREAK_AFTER_PASSES", "-1"))));
    }

    /** Set once the image that breaks the device has been read: every forward pass fails from then on. */
    private static volatile boolean deviceBroken;

    /** Forward passes of this process so far. */
    private static final java.util.concurrent.atomic.AtomicInteger passes = new java.util.concurrent.atomic.AtomicInteger();

    private record Halting(ClassifierStage stage, String victim, boolean onEveryInput, String breaker, int breakAfterPasses)
            implements InferenceStage<ImageCaptured> {
        @Override
        public String name() {
            return stage.name();
        }

        @Override
        public Class<ImageCaptured> inputType() {
            return stage.inputType();
        }

        @Override
        public String task() {
            return stage.task();
        }

        @Override
        public ImageCaptured image(ImageCaptured input) {
            if (input.getImageId().equals(victim)) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            if (input.getImageId().equals(breaker)) {
                deviceBroken = true;
            }
            return stage.image(input);
        }

        @Override
        public List<Preprocessor.Prepared> inputs(ModelCard card, DecodedImage image) {
            return stage.inputs(card, image);
        }

        @Override
        public List<Output> outputs(ModelCard card, ImageCaptured input, List<Preprocessor.Prepared> inputs, List<float[]> outputs,
                                    StageTimings timings) {
            return stage.outputs(card, input, inputs, outputs, timings);
        }

        @Override
        public void checkOutput(ModelCard card, Preprocessor.Prepared input, float[] output) {
            if (onEveryInput) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            if (deviceBroken || (breakAfterPasses >= 0 && passes.incrementAndGet() > breakAfterPasses)) {
                throw new IllegalStateException("device in an error state (test fault)");
            }
            stage.checkOutput(card, input, output);
        }

        @Override
        public Map<String, String> settings() {
            return stage.settings();
        }
    }
}
