package dev.coilsight.schemas;

import java.util.List;

/** Topic names of the pipeline (DESIGN.md "Topics and records"); every record is keyed by coilId. */
public final class Topics {

    public static final String IMAGES = "steel.images";
    public static final String CLASSIFICATIONS = "steel.classifications";
    public static final String DEFECTIVE_IMAGES = "steel.images.defective";
    public static final String DEFECTS = "steel.defects";
    public static final String COIL_STATS = "steel.coil-stats";
    public static final String COIL_ENDS = "steel.coil-ends";
    public static final String COIL_GRADES = "steel.coil-grades";
    public static final String ALERTS = "steel.alerts";
    public static final String REVIEWS = "steel.reviews";
    /** A share of the images the classifier passed as clean, with their bytes, for people to audit (DefectiveImage records). */
    public static final String AUDIT_IMAGES = "steel.images.audit";
    /** What a candidate model, run as a shadow worker, found on the live input; never counted in figures or grades. */
    public static final String CLASSIFICATIONS_SHADOW = "steel.classifications.shadow";
    public static final String DEFECTS_SHADOW = "steel.defects.shadow";
    public static final String DLQ = "steel.dlq";

    private Topics() {
    }

    /** Every topic the pipeline uses, in flow order. */
    public static List<String> all() {
        return List.of(IMAGES, CLASSIFICATIONS, DEFECTIVE_IMAGES, DEFECTS, COIL_ENDS, COIL_STATS, COIL_GRADES, ALERTS, AUDIT_IMAGES, REVIEWS, CLASSIFICATIONS_SHADOW,
                DEFECTS_SHADOW, DLQ);
    }
}
