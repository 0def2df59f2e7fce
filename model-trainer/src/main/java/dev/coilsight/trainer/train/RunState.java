package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where a run stands after its last completed epoch ({@code state.json}); read on resume. {@code secondsPerStep} is the
 * training speed measured so far, for a card made by a resume that trains no further epoch.
 */
record RunState(int epoch, double best, int bestEpoch, int badEpochs, Map<String, Double> bestFigures, double secondsPerStep) {

    static final String FILE = "state.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    static RunState fresh() {
        return new RunState(0, Double.NEGATIVE_INFINITY, 0, 0, Map.of(), 0);
    }

    static RunState read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("nothing to resume in " + runDir + ": no state.json (start without --resume)");
        }
        try {
            return JSON.readValue(file.toFile(), RunState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    void write(Path runDir) {
        try {
            Path tmp = runDir.resolve(FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, runDir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run state in " + runDir, e);
        }
    }
}
