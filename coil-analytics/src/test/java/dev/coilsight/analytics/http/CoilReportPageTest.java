package dev.coilsight.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.grading.CoilFacts;
import dev.coilsight.analytics.grading.CoilGrade;
import dev.coilsight.analytics.grading.DefectTally;
import dev.coilsight.analytics.grading.Grade;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.GradeRecords;
import dev.coilsight.schemas.CoilEndReason;
import dev.coilsight.schemas.CoilGraded;

class CoilReportPageTest {

    /** A coil graded on 40 images with a roll mark at 1.5 m, and 10 more images read since (a re-grade is due). */
    private static CoilGraded gradedThenMoreResults(CoilProgress progress) {
        progress.lineId = "L1";
        progress.imagesInspected = 40;
        progress.defectiveImages = 12;
        progress.endReason = CoilEndReason.EXPLICIT;
        progress.gradeVersion = 1;
        PeriodicDefect mark = new PeriodicDefect(2, "class 2", 1500, List.of(0.0, 1500.0, 3000.0, 4500.0, 6000.0), 400);
        CoilGraded grade = GradeRecords.graded("C", progress, new CoilFacts(20_000, List.of(), new DefectTally(), List.of(mark)),
                new CoilGrade(Grade.C, "sheet", "v1", "roll-marks", "roll-marks: periodic defects: at most 0, measured 1", List.of()), 1000);
        progress.imagesInspected = 50;
        progress.defectiveImages = 15;
        progress.defectsPlaced = 0;
        progress.defectsNotPlaced = 30;
        return grade;
    }

    @Test
    void aGradedCoilsReportShowsTheGradesRollMarksAndCountsAndAMapCaptionThatSaysWhatItLeavesOut() {
        CoilProgress progress = new CoilProgress();
        CoilGraded grade = gradedThenMoreResults(progress);

        String page = CoilReportPage.render("C", progress, grade, List.of(), GradeRecords.periodic(grade), null, null, "/v1/coils/C", false);

        assertThat(page).contains("<td class=\"num pitch\">1500</td>").contains("40 images, 12 defective").doesNotContain("50 images")
                .contains("0 defects on the map, of 30").contains("width unknown, drawn to the widest defect");
    }
}
