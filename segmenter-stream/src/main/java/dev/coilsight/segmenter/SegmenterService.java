package dev.coilsight.segmenter;

import java.nio.file.Path;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.schemas.Topics;
import dev.coilsight.workerruntime.WorkerConfig;
import dev.coilsight.workerruntime.WorkerMain;

/**
 * The segmenter worker: reads {@code steel.images.defective}, writes one {@code steel.defects} record
 * per image. Configured by the shared worker variables ({@link WorkerConfig}) plus
 * {@code COILSIGHT_TOPIC_DEFECTIVE} [steel.images.defective] and {@code COILSIGHT_TOPIC_DEFECTS}
 * [steel.defects]; model {@code COILSIGHT_MODEL_DIR} [models/severstal-resunet], group
 * [coilsight-segmenter], HTTP port [8082]. In shadow ({@code COILSIGHT_SHADOW=true}) it writes to
 * {@code steel.defects.shadow} in group coilsight-segmenter-shadow.
 */
public final class SegmenterService {

    public static final WorkerConfig.Defaults DEFAULTS = new WorkerConfig.Defaults(SegmenterStage.NAME, "COILSIGHT_TOPIC_DEFECTIVE",
            Topics.DEFECTIVE_IMAGES, "coilsight-segmenter", Path.of("models", "severstal-resunet"), 8082);

    private SegmenterService() {
    }

    public static void main(String[] args) {
        WorkerMain.run(args, "Runs the segmenter worker: defective images from steel.images.defective to per-class RLE defect masks on steel.defects.",
                DEFAULTS, SegmenterService::stage);
    }

    /** The segmenter's own settings (its output topic) on top of the shared worker ones. */
    public static SegmenterStage stage(Env env) {
        if (WorkerConfig.shadow(env)) {
            return new SegmenterStage(WorkerConfig.shadowOutput(env, "COILSIGHT_TOPIC_DEFECTS", Topics.DEFECTS_SHADOW, Topics.DEFECTS));
        }
        return new SegmenterStage(env.string("COILSIGHT_TOPIC_DEFECTS", Topics.DEFECTS));
    }
}
