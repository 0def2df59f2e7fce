package dev.coilsight.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A split list: one image id per line, with or without its file extension; blank lines and # comments ignored. */
final class SplitList {

    private SplitList() {
    }

    /** The dataset's image ids named by the list, in list order. */
    static List<String> select(Path listFile, List<String> imageIds) {
        Map<String, String> byName = new HashMap<>();
        for (String id : imageIds) {
            byName.put(id, id);
            int dot = id.lastIndexOf('.');
            if (dot > 0) {
                byName.putIfAbsent(id.substring(0, dot), id);
            }
        }
        Set<String> selected = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(listFile)) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                String id = byName.get(name);
                if (id == null) {
                    missing.add(name);
                } else {
                    selected.add(id);
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read split list " + listFile + ": " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) {
            throw new DatasetException("split list " + listFile + " names " + missing.size()
                    + " image(s) not in the dataset, e.g. " + String.join(", ", missing.subList(0, Math.min(5, missing.size()))));
        }
        if (selected.isEmpty()) {
            throw new DatasetException("split list " + listFile + " names no images");
        }
        return List.copyOf(selected);
    }
}
