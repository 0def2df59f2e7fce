package dev.coilsight.trainer.export;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.SavedModelWeights;
import dev.coilsight.trainer.train.CheckoutPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./coilsight ensemble}: writes one model that averages the probabilities of several segmenters trained for the
 * same classes ({@link EnsembleGraph}). Its card takes the first model's classes, thresholds and input; the images are
 * padded to a size every member takes. Thresholds and test-time flips are then chosen with {@code evaluate --tune} on
 * images none of the members trained or tuned on.
 */
@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write one model that averages the defect probabilities of several segmenters trained for the same classes",
                "(e.g. a ResUNet and a MobileNetV2 U-Net): one SavedModel that the workers, evaluate and the bench serve as any",
                "other. The card keeps the first model's classes, thresholds and input; choose thresholds and flips for the",
                "ensemble with evaluate --tune on images none of the members trained or tuned on.",
                "Exit code 0 on success, 2 on bad input."})
public final class EnsembleCommand extends CoilsightCommand {

    @Parameters(arity = "2..*", paramLabel = "MODEL", description = "Two or more segmenters' directories (SavedModel + model.json).")
    List<Path> models;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the ensemble (none of the MODELs).")
    Path output;

    @Mixin
    ModelNaming naming;

    @Override
    protected int run() {
        if (Files.exists(output)) {
            throw badOption("--output " + output + " exists: choose a new folder");
        }
        List<ModelCard> cards = models.stream().map(ModelCard::read).toList();
        ModelCard card = ensembleCard(cards);
        List<Architecture> architectures = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            Path model = models.get(i);
            architectures.add(Architecture.recorded(cards.get(i)).orElseThrow(() -> new IllegalArgumentException(model
                    + "'s card records no single architecture (only Coilsight's own models, not ensembles, can be members)")));
        }
        // Every card checked above before any weights are read.
        List<EnsembleGraph.Member> members = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            members.add(new EnsembleGraph.Member(architectures.get(i), SavedModelWeights.read(models.get(i))));
        }
        boolean folded;
        try (EnsembleGraph graph = new EnsembleGraph(members, 0)) {
            Files.createDirectories(output.toAbsolutePath().getParent());
            graph.export(output);
            folded = graph.batchNormFolded();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ensemble to " + output, e);
        }
        Map<String, Object> architecture = new LinkedHashMap<>(card.architecture());
        architecture.put("batchNormFolded", folded);
        card = card.withArchitecture(architecture);
        card.write(output);
        PrintWriter out = stdout();
        out.printf(Locale.ROOT, "wrote %s: the mean of %s; thresholds are %s's: choose the ensemble's with evaluate --tune on images "
                        + "none of the members trained or tuned on%n",
                output, String.join(", ", cards.stream().map(c -> c.name() + " " + c.version()).toList()), cards.get(0).name());
        out.flush();
        return 0;
    }

    /** The first card's classes and input, checked against every other card, padded to a multiple that every member takes. */
    private ModelCard ensembleCard(List<ModelCard> cards) {
        ModelCard first = cards.get(0);
        int multiple = 1;
        List<Map<String, Object>> memberArchitectures = new ArrayList<>();
        List<Map<String, Object>> sources = new ArrayList<>();
        for (int i = 0; i < cards.size(); i++) {
            ModelCard card = cards.get(i);
            requireCompatible(first, card, models.get(i));
            multiple = lcm(multiple, card.input().multiple());
            memberArchitectures.add(card.architecture());
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("model", CheckoutPaths.current().portable(models.get(i)));
            source.put("name", card.name());
            source.put("version", card.version());
            if (card.training() != null && card.training().get("command") != null) {
                source.put("command", card.training().get("command")); // the ensemble's card alone says how to remake it
            }
            sources.add(source);
        }
        InputSpec in = first.input();
        InputSpec input = new InputSpec(in.name(), in.layout(), in.channels(), in.sizePolicy(), multiple, in.height(), in.width(),
                in.scale(), in.mean(), in.std());
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("type", Architecture.ENSEMBLE);
        architecture.put("members", memberArchitectures);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("ensembleOf", sources);
        training.put("command", "./coilsight ensemble "
                + String.join(" ", CheckoutPaths.current().portableArgs(spec().commandLine().getParseResult().originalArgs())));
        String modelName = naming.nameFor(output);
        return new ModelCard(modelName, naming.version(), ModelCard.SEGMENTATION, ServingGraph.SIGNATURE, input, ServingGraph.OUTPUT,
                first.classes(), null, architecture, training, Map.of());
    }

    private static void requireCompatible(ModelCard first, ModelCard card, Path model) {
        if (!card.segmentation()) {
            throw new IllegalArgumentException(model + " is a " + card.task() + " model: an ensemble averages segmenters' maps");
        }
        List<String> firstClasses = first.classes().stream().map(c -> c.id() + "=" + c.name()).toList();
        List<String> classes = card.classes().stream().map(c -> c.id() + "=" + c.name()).toList();
        if (!classes.equals(firstClasses)) {
            throw new IllegalArgumentException(model + " predicts " + classes + ", the first model " + firstClasses + ": members must share their classes");
        }
        InputSpec a = first.input();
        InputSpec b = card.input();
        if (a.channels() != b.channels() || a.scale() != b.scale() || !a.mean().equals(b.mean()) || !a.std().equals(b.std())
                || !a.sizePolicy().equals(b.sizePolicy()) || !Objects.equals(a.height(), b.height())
                || !Objects.equals(a.width(), b.width())) {
            throw new IllegalArgumentException(model + " prepares its input otherwise than the first model (channels, scale, mean, std, "
                    + "size policy or size): members must read the same input");
        }
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
