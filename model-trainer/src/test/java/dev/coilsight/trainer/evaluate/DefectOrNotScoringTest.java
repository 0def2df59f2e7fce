package dev.coilsight.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;

/** A classifier is scored defect or not: an image is defective whatever class its mask names, named by the data set or not. */
class DefectOrNotScoringTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void imagesWithOnlyTheLaterClassesOfADataSetWithoutClassNamesAreDefective() throws Exception {
        Path neu = SharedData.require("neu-seg"); // label masks 1..3 and no classes.txt
        LabeledDataset val = Datasets.open(neu, Optional.of(neu.resolve("val.txt")));
        List<String> laterClassesOnly = new ArrayList<>();
        for (String id : val.imageIds()) {
            Set<Integer> classes = val.masks(id, 200, 200).keySet();
            if (!classes.isEmpty() && !classes.contains(1)) {
                laterClassesOnly.add(id);
            }
            if (laterClassesOnly.size() == 3) {
                break;
            }
        }
        Path split = Files.write(dir.resolve("later-classes.txt"), laterClassesOnly);

        CommandRun run = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", Path.of("..", "models", "magnetic-tile-classifier")
                .toString(), "--dataset", neu.toString(), "--split", split.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Object> json = new ObjectMapper().readValue(run.out().trim(), Map.class);
        Map<String, Object> defective = (Map<String, Object>) ((Map<String, Object>) json.get("perClass")).get("defective");
        assertThat(((Number) defective.get("support")).intValue()).as("every one of the 3 images is defective").isEqualTo(3);
    }
}
