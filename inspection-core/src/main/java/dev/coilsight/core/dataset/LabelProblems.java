package dev.coilsight.core.dataset;

import java.io.PrintStream;
import java.util.List;

/** Says, in one line, that label rows of a data set could not be used and are left out, rather than dropping them unsaid. */
public final class LabelProblems {

    private LabelProblems() {
    }

    /** One line on {@code err} when {@code data} has label rows it could not read; nothing otherwise. */
    public static void warn(String command, LabeledDataset data, PrintStream err) {
        List<String> problems = data.labelProblems();
        if (!problems.isEmpty()) {
            err.println(command + ": " + problems.size() + " label row(s) could not be used and are left out (the first: " + problems.get(0)
                    + "); ./coilsight explore lists them all");
        }
    }
}
