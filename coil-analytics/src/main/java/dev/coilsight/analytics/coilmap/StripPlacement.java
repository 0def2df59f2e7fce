package dev.coilsight.analytics.coilmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.coilsight.core.mask.Component;
import dev.coilsight.core.mask.ConnectedComponents;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;

/**
 * Places a segmentation's defects on the strip: each class mask is split into its 8-connected components, and
 * each component's box becomes millimetres along the coil (the image's {@code positionMm} plus its rows) and across
 * the strip (the camera's offset plus its columns).
 */
public final class StripPlacement {

    /** The most defects kept per class and image, largest first: a speckled mask must not flood a coil's map. */
    public static final int MAX_DEFECTS_PER_MASK = 64;

    private final CameraLayout cameras;

    public StripPlacement(CameraLayout cameras) {
        this.cameras = cameras;
    }

    /**
     * Where the image's first row lies along the coil: its {@code positionMm}, or, when the line reports none,
     * its sequence number times the image's length (frames taken back to back).
     */
    public double imageStartMm(String cameraId, Double positionMm, long sequence, int height) {
        if (positionMm != null) {
            return positionMm;
        }
        return sequence * height * cameras.of(cameraId).mmPerPixelAlong();
    }

    /** The image's length along the coil in millimetres. */
    public double imageLengthMm(String cameraId, int height) {
        return height * cameras.of(cameraId).mmPerPixelAlong();
    }

    /**
     * A segmentation's defects on the strip for the map, the largest {@link #MAX_DEFECTS_PER_MASK} per mask, and the
     * rest, which the map leaves off and the coil's grade still counts.
     */
    public record Placed(List<StripDefect> defects, List<StripDefect> beyondMaskLimit) {
        public Placed {
            defects = List.copyOf(defects);
            beyondMaskLimit = List.copyOf(beyondMaskLimit);
        }
    }

    /** The image on the coil map: {@code placed} (from {@link #place}) and its masks kept. */
    public MappedImage map(DefectSegmentation segmentation, Placed placed) {
        String camera = segmentation.getCameraId();
        List<MappedImage.Mask> masks = new ArrayList<>();
        for (DefectMask m : segmentation.getMasks()) {
            masks.add(new MappedImage.Mask(m.getClassId(), m.getClassName(), m.getRle(), m.getPixelCount()));
        }
        return new MappedImage(segmentation.getImageId(), camera,
                imageStartMm(camera, segmentation.getPositionMm(), segmentation.getSequence(), segmentation.getHeight()),
                imageLengthMm(camera, segmentation.getHeight()), segmentation.getWidth(), segmentation.getHeight(), placed.defects(), masks);
    }

    public Placed place(DefectSegmentation segmentation) {
        CameraGeometry g = cameras.of(segmentation.getCameraId());
        double start = imageStartMm(segmentation.getCameraId(), segmentation.getPositionMm(), segmentation.getSequence(),
                segmentation.getHeight());
        int height = segmentation.getHeight();
        int width = segmentation.getWidth();
        List<StripDefect> out = new ArrayList<>();
        List<StripDefect> beyond = new ArrayList<>();
        for (DefectMask mask : segmentation.getMasks()) {
            List<Component> components = new ArrayList<>(ConnectedComponents.of(Runs.parse(mask.getRle(), height, width), height, width));
            components.sort(Comparator.comparingLong(Component::pixels).reversed());
            for (int i = 0; i < components.size(); i++) {
                Component c = components.get(i);
                (i < MAX_DEFECTS_PER_MASK ? out : beyond).add(new StripDefect(segmentation.getImageId(), mask.getClassId(), mask.getClassName(),
                        start + c.minRow() * g.mmPerPixelAlong(), start + (c.maxRow() + 1) * g.mmPerPixelAlong(),
                        g.offsetAcrossMm() + c.minCol() * g.mmPerPixelAcross(), g.offsetAcrossMm() + (c.maxCol() + 1) * g.mmPerPixelAcross(),
                        c.pixels() * g.areaMm2PerPixel()));
            }
        }
        out.sort(Comparator.comparingDouble(StripDefect::alongStartMm));
        return new Placed(out, beyond);
    }
}
