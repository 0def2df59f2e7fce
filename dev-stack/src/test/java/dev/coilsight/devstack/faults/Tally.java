package dev.coilsight.devstack.faults;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.coilsight.devstack.faults.CommittedOutputs.DeadLetter;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;

/**
 * What became of a set of accepted images in the committed outputs. Each image must be on the images topic once,
 * then classified or dead-lettered by the classifier once; each defective one forwarded once, then segmented or
 * dead-lettered by the segmenter once. An outcome missing is an image lost; one more than once, a duplicate.
 */
record Tally(int images, int classified, int defective, int segmented, int deadLettered, int lost, int duplicated) {

    static Tally of(Set<String> accepted, CommittedOutputs outputs) {
        Map<String, Integer> onTopic = count(outputs.images(), ImageCaptured::getImageId, accepted);
        Map<String, Integer> classified = count(outputs.classifications(), ImageClassified::getImageId, accepted);
        Map<String, Integer> deadAtClassifier = count(outputs.deadLetters().stream().filter(d -> "classifier".equals(d.stage())).toList(),
                DeadLetter::imageId, accepted);
        Set<String> defective = new HashSet<>();
        outputs.classifications().stream().filter(c -> accepted.contains(c.getImageId()) && c.getDefective())
                .forEach(c -> defective.add(c.getImageId()));
        Map<String, Integer> forwarded = count(outputs.forwarded(), d -> d.getImage().getImageId(), accepted);
        Map<String, Integer> segmented = count(outputs.segmentations(), DefectSegmentation::getImageId, accepted);
        Map<String, Integer> deadAtSegmenter = count(outputs.deadLetters().stream().filter(d -> "segmenter".equals(d.stage())).toList(),
                DeadLetter::imageId, accepted);

        int lost = 0;
        int duplicated = 0;
        for (String id : accepted) {
            int published = onTopic.getOrDefault(id, 0);
            int classifierOutcomes = classified.getOrDefault(id, 0) + deadAtClassifier.getOrDefault(id, 0);
            lost += published == 0 || classifierOutcomes == 0 ? 1 : 0;
            duplicated += Math.max(0, published - 1) + Math.max(0, classifierOutcomes - 1);
            if (defective.contains(id)) {
                int sent = forwarded.getOrDefault(id, 0);
                int segmenterOutcomes = segmented.getOrDefault(id, 0) + deadAtSegmenter.getOrDefault(id, 0);
                lost += sent == 0 || segmenterOutcomes == 0 ? 1 : 0;
                duplicated += Math.max(0, sent - 1) + Math.max(0, segmenterOutcomes - 1);
            } else {
                duplicated += forwarded.getOrDefault(id, 0); // forwarded though not defective
            }
        }
        int dead = deadAtClassifier.values().stream().mapToInt(Integer::intValue).sum()
                + deadAtSegmenter.values().stream().mapToInt(Integer::intValue).sum();
        return new Tally(accepted.size(), sum(classified), defective.size(), sum(segmented), dead, lost, duplicated);
    }

    private static <T> Map<String, Integer> count(Collection<T> records, Function<T, String> id, Set<String> wanted) {
        Map<String, Integer> counts = new HashMap<>();
        for (T record : records) {
            String key = id.apply(record);
            if (key != null && wanted.contains(key)) {
                counts.merge(key, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
