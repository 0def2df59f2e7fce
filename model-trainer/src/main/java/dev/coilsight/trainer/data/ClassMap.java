package dev.coilsight.trainer.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which dataset class id each output channel predicts, and its name. Parsed from
 * {@code 1=inclusions,2=patches} or taken from the dataset's own class list.
 */
public record ClassMap(List<Integer> ids, List<String> names) {

    public ClassMap {
        if (ids.isEmpty() || ids.size() != names.size()) {
            throw new IllegalArgumentException("a model needs at least one class, with a name each");
        }
        if (ids.size() > 8) {
            throw new IllegalArgumentException("at most 8 classes are supported, got " + ids.size());
        }
        ids = List.copyOf(ids);
        names = List.copyOf(names);
    }

    public static ClassMap of(SortedMap<Integer, String> classes) {
        return new ClassMap(new ArrayList<>(classes.keySet()), new ArrayList<>(classes.values()));
    }

    /** {@code "1=inclusions,2=patches,3=scratches"}. */
    public static ClassMap parse(String text) {
        SortedMap<Integer, String> classes = new TreeMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            try {
                classes.put(Integer.parseInt(kv[0].trim()), kv.length > 1 ? kv[1].trim() : "class " + kv[0].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad class '" + part + "': expected <id>=<name>, e.g. 1=inclusions");
            }
        }
        return of(classes);
    }

    public int size() {
        return ids.size();
    }

    /** The output channel of a class id, or -1 when the model does not predict it. */
    public int channelOf(int classId) {
        return ids.indexOf(classId);
    }

    public Map<Integer, String> asMap() {
        Map<Integer, String> map = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            map.put(ids.get(i), names.get(i));
        }
        return map;
    }
}
