package dev.coilsight.analytics.coilmap;

/**
 * Where one camera's pixels lie on the strip: image rows run along the coil, columns across it.
 *
 * @param mmPerPixelAlong millimetres of strip length per image row
 * @param mmPerPixelAcross millimetres of strip width per image column
 * @param offsetAcrossMm where the image's first column lies, from the strip's reference edge (the drive side)
 */
public record CameraGeometry(double mmPerPixelAlong, double mmPerPixelAcross, double offsetAcrossMm) {

    /** One millimetre per pixel from the edge: what a camera without configured geometry is taken to have. */
    public static final CameraGeometry UNIT = new CameraGeometry(1.0, 1.0, 0.0);

    public CameraGeometry {
        if (!(mmPerPixelAlong > 0) || !(mmPerPixelAcross > 0) || Double.isInfinite(mmPerPixelAlong) || Double.isInfinite(mmPerPixelAcross)) {
            throw new IllegalArgumentException("millimetres per pixel must be positive and finite, got " + mmPerPixelAlong + " along and "
                    + mmPerPixelAcross + " across");
        }
        if (!Double.isFinite(offsetAcrossMm)) {
            throw new IllegalArgumentException("the offset across the strip must be finite, got " + offsetAcrossMm);
        }
    }

    public double areaMm2PerPixel() {
        return mmPerPixelAlong * mmPerPixelAcross;
    }
}
