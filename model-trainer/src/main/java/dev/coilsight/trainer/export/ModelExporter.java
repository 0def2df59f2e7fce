package dev.coilsight.trainer.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.cli.Folders;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.net.Architecture;

/**
 * Writes a model directory: the serving SavedModel (no optimiser state, batch norms folded; a classifier whose card
 * pools its windows in the graph gets that graph) and its {@code model.json}, whose architecture says whether the batch
 * norms are folded.
 */
public final class ModelExporter {

    private static final Logger LOG = LoggerFactory.getLogger(ModelExporter.class);
    /** What an export writes; the rest of a model directory (its log, curve, check ids) is left alone. */
    private static final List<String> MODEL_FILES = List.of("variables", "saved_model.pb", "model.json");

    private ModelExporter() {
    }

    /**
     * Builds the model beside {@code dir} and moves it in only once it is complete: a failure while the graph is built
     * (a weight of the wrong shape, a full disk, a stop) leaves the model that was there before as it was.
     */
    public static void export(Architecture arch, Map<String, float[]> weights, ModelCard card, Path dir) {
        try {
            Swap swap = Swap.beside(dir);
            Path staging = swap.staging();
            ModelCard.Decision decision = card.decision();
            int[] pooledWindow = decision != null && decision.pooledInGraph() ? new int[] {decision.windowHeight(), decision.windowWidth()} : null;
            boolean folded;
            try (ServingGraph serving = new ServingGraph(arch, weights, 0, pooledWindow)) {
                serving.export(staging);
                folded = serving.batchNormFolded();
            }
            Map<String, Object> architecture = new LinkedHashMap<>(card.architecture() == null ? Map.of() : card.architecture());
            architecture.put("batchNormFolded", folded);
            if (!folded) {
                LOG.warn("{}: the stem's batch norm scales by a negative factor, so no batch norm is folded (bf16 gains little on this model)",
                        card.name());
            }
            card.withArchitecture(architecture).write(staging);
            swap.moveIn();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the model to " + dir, e);
        }
    }

    /**
     * Publishes the model of a finished model directory (its SavedModel and card) into {@code dir}, as {@link #export}
     * does: copied beside it first, then moved in, so that workers watching {@code dir} see the old model or the new one.
     */
    public static void publish(Path from, Path dir) {
        try {
            Swap swap = Swap.beside(dir);
            for (String name : MODEL_FILES) {
                Path source = from.resolve(name);
                try (var files = Files.walk(source)) {
                    for (Path file : files.toList()) {
                        Path copy = swap.staging().resolve(name).resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(copy);
                        } else {
                            Files.createDirectories(copy.getParent());
                            Files.copy(file, copy);
                        }
                    }
                }
            }
            swap.moveIn();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the model of " + from + " to " + dir, e);
        }
    }

    /**
     * A model directory's files replaced whole: the new ones built in {@code staging} beside the real target, on its file
     * system, so that they are renamed into place, never copied.
     */
    private record Swap(Path target, Path staging, Path previous) {

        /** The folders beside {@code dir} (a link followed), emptied of what an earlier export left. */
        static Swap beside(Path dir) throws IOException {
            Path target = realTarget(dir);
            Swap swap = new Swap(target, target.resolveSibling(target.getFileName() + ".exporting"),
                    target.resolveSibling(target.getFileName() + ".previous"));
            Folders.deleteTree(swap.staging);
            Folders.deleteTree(swap.previous);
            return swap;
        }

        /** The earlier model's files aside first, then the new ones in: at no moment does a file mix the two. */
        void moveIn() throws IOException {
            Files.createDirectories(target);
            Files.createDirectories(previous);
            for (String name : MODEL_FILES) {
                if (Files.exists(target.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(target.resolve(name), previous.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            for (String name : MODEL_FILES) {
                Files.move(staging.resolve(name), target.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            Folders.deleteTree(previous);
            Folders.deleteTree(staging);
        }
    }

    /**
     * Whether an export to {@code output} would replace the model in {@code modelDir}: the same folder, through a link
     * (such as the rollout link workers watch) or not.
     */
    public static boolean replaces(Path output, Path modelDir) {
        try {
            return Files.exists(modelDir) && realTarget(output).equals(modelDir.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether " + output + " is " + modelDir + ": " + e.getMessage(), e);
        }
    }

    /** The model directory as it really is (a link followed), or where it will be when it does not exist yet. */
    private static Path realTarget(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            return absolute.toRealPath();
        }
        Files.createDirectories(absolute.getParent());
        return absolute.getParent().toRealPath().resolve(absolute.getFileName());
    }
}
