package dev.coilsight.classifier;

import java.nio.file.Path;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.schemas.Topics;
import dev.coilsight.workerruntime.WorkerConfig;
import dev.coilsight.workerruntime.WorkerMain;

/**
 * The classifier worker: reads {@code steel.images}, writes {@code steel.classifications} for every
 * image and {@code steel.images.defective} for the defective ones. Configured by the shared worker
 * variables ({@link WorkerConfig}) plus {@code COILSIGHT_TOPIC_IMAGES} [steel.images],
 * {@code COILSIGHT_TOPIC_CLASSIFICATIONS} [steel.classifications], {@code COILSIGHT_TOPIC_DEFECTIVE}
 * [steel.images.defective], and a share {@code COILSIGHT_AUDIT_SHARE} [0.01] of the images it passes as clean to
 * {@code COILSIGHT_TOPIC_AUDIT} [steel.images.audit] for people to audit; model {@code COILSIGHT_MODEL_DIR} [models/severstal-classifier], group
 * [coilsight-classifier], HTTP port [8083] (8081 is the schema registry's usual port). In shadow
 * ({@code COILSIGHT_SHADOW=true}) it writes only {@code steel.classifications.shadow}, in group coilsight-classifier-shadow.
 */
public final class ClassifierService {

    public static final WorkerConfig.Defaults DEFAULTS = new WorkerConfig.Defaults(ClassifierStage.NAME, "COILSIGHT_TOPIC_IMAGES",
            Topics.IMAGES, "coilsight-classifier", Path.of("models", "severstal-classifier"), 8083);

    private ClassifierService() {
    }

    public static void main(String[] args) {
        WorkerMain.run(args, "Runs the classifier worker: every image of steel.images classified on steel.classifications, defective ones forwarded to "
                + "steel.images.defective.", DEFAULTS, ClassifierService::stage);
    }

    /** The classifier's own settings (its output topics) on top of the shared worker ones. */
    public static ClassifierStage stage(Env env) {
        if (WorkerConfig.shadow(env)) {
            return ClassifierStage.shadow(WorkerConfig.shadowOutput(env, "COILSIGHT_TOPIC_CLASSIFICATIONS", Topics.CLASSIFICATIONS_SHADOW,
                    Topics.CLASSIFICATIONS, Topics.DEFECTIVE_IMAGES));
        }
        return new ClassifierStage(
                env.string("COILSIGHT_TOPIC_CLASSIFICATIONS", Topics.CLASSIFICATIONS),
                env.string("COILSIGHT_TOPIC_DEFECTIVE", Topics.DEFECTIVE_IMAGES))
                .withAudit(new AuditSample(env.string("COILSIGHT_TOPIC_AUDIT", Topics.AUDIT_IMAGES), env.fraction("COILSIGHT_AUDIT_SHARE", 0.01)));
    }
}
