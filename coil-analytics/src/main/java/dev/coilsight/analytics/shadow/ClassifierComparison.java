package dev.coilsight.analytics.shadow;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.ModelRef;

/** The classifiers side by side: how often their decisions agree, and each one's accuracy on the reviewed images. */
final class ClassifierComparison {

    private ClassifierComparison() {
    }

    /** @param liveModel, shadowModel the models in use: decisions of other versions are counted apart, not scored */
    static Map<String, Object> report(Collection<ShadowImage> images, ModelRef liveModel, ModelRef shadowModel) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("live", ShadowComparison.name(liveModel));
        out.put("shadow", ShadowComparison.name(shadowModel));
        List<ShadowImage> answered = images.stream().filter(e -> e.liveDecision != null && e.shadowDecision != null).toList();
        List<ShadowImage> both = answered.stream().filter(e -> e.liveDecision.getModel().equals(liveModel)
                && e.shadowDecision.getModel().equals(shadowModel)).toList();
        out.put("imagesCompared", both.size());
        out.put("otherVersions", answered.size() - both.size());
        if (both.isEmpty()) {
            return out;
        }
        long agree = both.stream().filter(e -> e.liveDecision.getDefective() == e.shadowDecision.getDefective()).count();
        out.put("agreement", (double) agree / both.size());
        out.put("liveOnlyDefective", both.stream().filter(e -> e.liveDecision.getDefective() && !e.shadowDecision.getDefective()).count());
        out.put("shadowOnlyDefective", both.stream().filter(e -> !e.liveDecision.getDefective() && e.shadowDecision.getDefective()).count());
        List<ShadowImage> reviewed = both.stream().filter(e -> e.review != null).toList();
        Map<String, Object> reviews = new LinkedHashMap<>();
        reviews.put("images", reviewed.size());
        if (!reviewed.isEmpty()) {
            reviews.put("liveAccuracy", (double) reviewed.stream().filter(e -> e.liveDecision.getDefective() == defective(e.review)).count() / reviewed.size());
            reviews.put("shadowAccuracy", (double) reviewed.stream().filter(e -> e.shadowDecision.getDefective() == defective(e.review)).count() / reviewed.size());
        }
        out.put("againstReviews", reviews);
        return out;
    }

    private static boolean defective(DefectReviewed review) {
        return !review.getReviewedMasks().isEmpty();
    }
}
