package dev.coilsight.trainer.predict;

import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --precision}: the arithmetic a command runs its models in, as {@code COILSIGHT_PRECISION} sets it for the workers. */
public final class PrecisionOption {

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16", converter = Converter.class,
            description = {"Run the models in fp32 or bf16 (TensorFlow's oneDNN mixed-precision rewrite), as the workers' COILSIGHT_PRECISION;",
                    "bf16 runs in fp32 on a GPU or on a CPU without bf16 instructions, and the command says so (default: ${DEFAULT-VALUE})."})
    Precision precision = Precision.FP32;

    public Precision get() {
        return precision;
    }

    /** Loads a model in the precision asked for and says on {@code err} when it runs in another (bf16 where it cannot run). */
    public LoadedModel load(java.nio.file.Path dir, java.io.PrintWriter err) {
        LoadedModel model = LoadedModel.load(dir, precision);
        if (model.precision() != precision) {
            err.println("note: " + precision + " cannot run here (a GPU, or a CPU without bf16 instructions): " + model.card().name()
                    + " runs in " + model.precision());
            err.flush();
        }
        return model;
    }

    /** Parses fp32 / bf16 in any case. */
    public static final class Converter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
