package dev.coilsight.trainer.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Reads the variables of a Coilsight SavedModel back by parameter name (for transfer learning). */
public final class SavedModelWeights {

    private SavedModelWeights() {
    }

    public static Map<String, float[]> read(Path modelDir) {
        if (!Files.isRegularFile(modelDir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(modelDir + " is not a SavedModel directory (no saved_model.pb)");
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(modelDir.toString(), "serve")) {
            List<String> names = new ArrayList<>();
            Iterator<GraphOperation> ops = bundle.graph().operations();
            while (ops.hasNext()) {
                GraphOperation op = ops.next();
                if (op.type().equals("VariableV2")) {
                    names.add(op.name());
                }
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            var runner = bundle.session().runner();
            names.forEach(runner::fetch);
            try (var result = runner.run()) {
                for (int i = 0; i < names.size(); i++) {
                    TFloat32 t = (TFloat32) result.get(i);
                    float[] v = new float[(int) t.shape().size()];
                    t.copyTo(DataBuffers.of(v, false, false));
                    values.put(names.get(i).replace('.', '/'), v);
                }
            }
            return values;
        }
    }
}
