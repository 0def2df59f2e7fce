package dev.coilsight.cli;

import java.io.PrintWriter;
import java.util.List;

/** A command's result on stdout: one JSON object with {@code --json} (what scripts parse), else text for people. */
public final class JsonOrText {

    private JsonOrText() {
    }

    /** Prints {@code jsonObject} on a line of its own with {@code json}, else {@code text} as it is; flushes. */
    public static void print(PrintWriter out, boolean json, String jsonObject, String text) {
        out.print(json ? jsonObject + System.lineSeparator() : text);
        out.flush();
    }

    /** As {@link #print(PrintWriter, boolean, String, String)}, the text given as lines. */
    public static void print(PrintWriter out, boolean json, String jsonObject, List<String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append(System.lineSeparator()));
        print(out, json, jsonObject, text.toString());
    }
}
