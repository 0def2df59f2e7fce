package dev.coilsight.core.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** A data set's optional {@code classes.txt}: one {@code <class id> <name>} per line, {@code #} comments and blank lines skipped. */
final class ClassNamesFile {

    static final String NAME = "classes.txt";

    private ClassNamesFile() {
    }

    /** The classes the data set's {@code classes.txt} names; empty when the folder has none. */
    static Optional<SortedMap<Integer, String>> read(Path root) {
        Path file = root.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SortedMap<Integer, String> names = new TreeMap<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file)) {
                lineNumber++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("[\\s,]+", 2);
                try {
                    names.put(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "class " + parts[0]);
                } catch (NumberFormatException e) {
                    throw new DatasetException(file + ": line " + lineNumber + ": expected '<class id> <name>', got '" + trimmed + "'");
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(names);
    }
}
