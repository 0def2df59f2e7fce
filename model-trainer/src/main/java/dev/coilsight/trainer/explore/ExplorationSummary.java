package dev.coilsight.trainer.explore;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The numbers of an exploration report (also written as {@code summary.json}). "Defects per image"
 * counts the defect classes present on an image, as in the Kaggle Severstal discussions.
 */
public record ExplorationSummary(
        String dataset,
        String layout,
        long images,
        long imagesRead,
        long defectFreeImages,
        SortedMap<Integer, String> classNames,
        SortedMap<Integer, Long> imagesPerClass,
        SortedMap<Integer, Long> pixelsPerClass,
        SortedMap<Integer, Double> meanAreaFractionPerClass,
        SortedMap<Integer, Long> componentsPerClass,
        Map<String, Long> defectsPerImage,
        SortedMap<Integer, SortedMap<Integer, Long>> cooccurrence,
        List<String> unreadableImages,
        List<String> invalidLabels,
        List<String> charts) {

    static ExplorationSummary of(String dataset, String layout, DatasetStatistics stats, List<String> charts) {
        SortedMap<Integer, Long> images = new TreeMap<>();
        SortedMap<Integer, Long> pixels = new TreeMap<>();
        SortedMap<Integer, Double> fraction = new TreeMap<>();
        SortedMap<Integer, Long> components = new TreeMap<>();
        stats.classes.forEach((id, f) -> {
            images.put(id, f.images);
            pixels.put(id, f.pixels);
            fraction.put(id, f.areaFractions.stream().mapToDouble(Double::doubleValue).average().orElse(0));
            components.put(id, f.components.stream().mapToLong(Integer::longValue).sum());
        });
        Map<String, Long> perImage = new java.util.LinkedHashMap<>();
        String[] labels = {"0", "1", "2", "3+"};
        for (int i = 0; i < labels.length; i++) {
            perImage.put(labels[i], stats.defectsPerImage[i]);
        }
        return new ExplorationSummary(dataset, layout, stats.imagesListed, stats.imagesRead, stats.defectFreeImages,
                new TreeMap<>(stats.classNames), images, pixels, fraction, components, perImage,
                stats.cooccurrence, List.copyOf(stats.unreadableImages), List.copyOf(stats.invalidLabels), List.copyOf(charts));
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The short text summary the command prints. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("dataset %s (%s layout): %d images, %d read, %d defect-free%n",
                dataset, layout, images, imagesRead, defectFreeImages));
        out.append(String.format("%-8s %-20s %8s %12s %12s %10s%n", "class", "name", "images", "pixels", "mean area", "components"));
        imagesPerClass.forEach((id, n) -> out.append(String.format("%-8d %-20s %8d %12d %11.3f%% %10d%n", id,
                classNames.get(id), n, pixelsPerClass.get(id), 100 * meanAreaFractionPerClass.get(id), componentsPerClass.get(id))));
        out.append("defect classes per image: ");
        defectsPerImage.forEach((k, v) -> out.append(k).append(": ").append(v).append("  "));
        out.append(String.format("%n"));
        if (!unreadableImages.isEmpty() || !invalidLabels.isEmpty()) {
            out.append(String.format("problems: %d unreadable images, %d invalid labels (listed in the report)%n",
                    unreadableImages.size(), invalidLabels.size()));
        }
        return out.toString();
    }
}
