package dev.coilsight.analytics.quality;

import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonIgnore;

import dev.coilsight.analytics.grading.DefectTally;
import dev.coilsight.schemas.CoilEndReason;

/**
 * Where a coil stands for grading: the strip its images cover, its counts, the models seen, whether and how it
 * ended, which grade version was published last, and which alerts it has raised. Kept per coil in a state store
 * (as JSON: internal state, no public contract); mutable because one record updates it in place.
 */
public final class CoilProgress {

    public String lineId;
    public Double firstStartMm;
    public Double lastEndMm;
    public long imagesInspected;
    public long defectiveImages;
    /** Segmentations received: one is due for every image classified defective. */
    public long segmentedImages;
    public long defectsPlaced;
    public long defectsNotPlaced;
    /** The defects not placed, by class and zone, for the grade. */
    public DefectTally notPlaced = new DefectTally();
    public TreeSet<String> modelVersions = new TreeSet<>();
    /** Wall-clock time of the coil's latest record, which the idle end and the settle time count from. */
    public long lastArrivalMillis;
    public CoilEndReason endReason;
    public long endedAtMillis;
    public int gradeVersion;
    /** Results arrived since the last grade (or since the end, before the first). */
    public boolean gradeDue;
    /** Defects were placed since the last search for periodic ones. */
    public boolean mapChanged;
    /** Ids of the alerts this coil raised, so that none is raised twice. */
    public TreeSet<String> alertsRaised = new TreeSet<>();

    /** Whether a segmentation is still due for an image classified defective (the segmenter lags behind the classifier). */
    @JsonIgnore
    public boolean segmentationsDue() {
        return segmentedImages < defectiveImages;
    }

    @JsonIgnore
    public boolean ended() {
        return endReason != null;
    }

    /** The strip the inspected images cover, from the first image's head to the last one's tail. */
    @JsonIgnore
    public double inspectedLengthMm() {
        return firstStartMm == null ? 0 : lastEndMm - firstStartMm;
    }

    public void cover(double startMm, double endMm) {
        firstStartMm = firstStartMm == null ? startMm : Math.min(firstStartMm, startMm);
        lastEndMm = lastEndMm == null ? endMm : Math.max(lastEndMm, endMm);
    }
}
