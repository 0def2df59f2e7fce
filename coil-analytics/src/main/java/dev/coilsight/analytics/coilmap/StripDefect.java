package dev.coilsight.analytics.coilmap;

/**
 * One defect (an 8-connected component of a class mask) placed on the strip: its box in millimetres along the coil
 * from the coil's head and across from the strip's reference edge.
 */
public record StripDefect(String imageId, int classId, String className, double alongStartMm, double alongEndMm, double acrossStartMm,
        double acrossEndMm, double areaMm2) {

    public double alongMm() {
        return (alongStartMm + alongEndMm) / 2;
    }

    public double acrossMm() {
        return (acrossStartMm + acrossEndMm) / 2;
    }
}
