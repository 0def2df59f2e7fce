package dev.coilsight.trainer.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.net.Architecture;

/**
 * Writes a model directory: the serving SavedModel (no optimiser state, batch norms folded; a classifier whose card
 * pools its windows in the graph gets that graph) and its {@code model.json}, whose architecture says whether the batch
 * norms are folded.
 */
public final class ModelExporter {

    private static final Logger LOG = LoggerFactory.getLogger(ModelExporter.class);

    private ModelExporter() {
    }

    public static void export(Architecture arch, Map<String, float[]> weights, ModelCard card, Path dir) {
        try {
            if (Files.exists(dir.resolve("saved_model.pb"))) {
                deleteModelFiles(dir);
            }
            Files.createDirectories(dir.getParent() == null ? dir.toAbsolutePath().getParent() : dir.getParent());
            ModelCard.Decision decision = card.decision();
            int[] pooledWindow = decision != null && decision.pooledInGraph() ? new int[] {decision.windowHeight(), decision.windowWidth()} : null;
            boolean folded;
            try (ServingGraph serving = new ServingGraph(arch, weights, 0, pooledWindow)) {
                serving.export(dir);
                folded = serving.batchNormFolded();
            }
            Map<String, Object> architecture = new LinkedHashMap<>(card.architecture() == null ? Map.of() : card.architecture());
            architecture.put("batchNormFolded", folded);
            if (!folded) {
                LOG.warn("{}: the stem's batch norm scales by a negative factor, so no batch norm is folded (bf16 gains little on this model)",
                        card.name());
            }
            card.withArchitecture(architecture).write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the model to " + dir, e);
        }
    }

    /** Replaces a previous export in place (the SavedModel writer refuses to overwrite). */
    private static void deleteModelFiles(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("saved_model.pb"));
        Path variables = dir.resolve("variables");
        if (Files.isDirectory(variables)) {
            try (Stream<Path> files = Files.walk(variables)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
