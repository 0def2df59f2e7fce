package dev.coilsight.analytics.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.schemas.BoundingBox;
import dev.coilsight.schemas.ClassDefectStats;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;

/** The JSON shapes of the REST API, built from the Avro records (field names as in the contracts). */
final class JsonViews {

    private JsonViews() {
    }

    static Map<String, Object> stats(CoilDefectStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("coilId", s.getCoilId());
        m.put("lineId", s.getLineId());
        m.put("imagesInspected", s.getImagesInspected());
        m.put("defectiveImages", s.getDefectiveImages());
        m.put("defectRate", s.getDefectRate());
        m.put("pixelsInspected", s.getPixelsInspected());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ClassDefectStats c : s.getClasses()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("classId", c.getClassId());
            cm.put("className", c.getClassName());
            cm.put("images", c.getImages());
            cm.put("pixels", c.getPixels());
            cm.put("areaFraction", c.getAreaFraction());
            classes.add(cm);
        }
        m.put("classes", classes);
        m.put("firstCapturedAt", iso(s.getFirstCapturedAt()));
        m.put("lastCapturedAt", iso(s.getLastCapturedAt()));
        m.put("updatedAt", iso(s.getUpdatedAt()));
        return m;
    }

    static List<Map<String, Object>> windows(List<CoilQueries.Window> windows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CoilQueries.Window w : windows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", iso(Instant.ofEpochMilli(w.startMillis())));
            m.put("end", iso(Instant.ofEpochMilli(w.endMillis())));
            m.put("images", w.counts().images());
            m.put("defectiveImages", w.counts().defective());
            m.put("defectRate", w.counts().defectRate());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> defect(DefectSegmentation d, boolean imageKept, String imagePath) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imageId", d.getImageId());
        m.put("coilId", d.getCoilId());
        m.put("cameraId", d.getCameraId());
        m.put("sequence", d.getSequence());
        m.put("capturedAt", iso(d.getCapturedAt()));
        m.put("positionMm", d.getPositionMm());
        m.put("lineId", d.getLineId());
        m.put("width", d.getWidth());
        m.put("height", d.getHeight());
        m.put("masks", masks(d.getMasks()));
        m.put("model", d.getModel().getName() + ":" + d.getModel().getVersion());
        m.put("imageUrl", imageKept ? imagePath + "/image" : null);
        return m;
    }

    static Map<String, Object> image(DefectiveImage image, DefectSegmentation segmentation, String imagePath) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (image != null) {
            var captured = image.getImage();
            m.put("imageId", captured.getImageId());
            m.put("coilId", captured.getCoilId());
            m.put("cameraId", captured.getCameraId());
            m.put("sequence", captured.getSequence());
            m.put("capturedAt", iso(captured.getCapturedAt()));
            m.put("positionMm", captured.getPositionMm());
            m.put("width", captured.getWidth());
            m.put("height", captured.getHeight());
            m.put("encoding", captured.getEncoding().name());
            m.put("defectProbability", image.getClassification().getDefectProbability());
            m.put("imageUrl", imagePath + "/image");
        } else {
            m.put("imageId", segmentation.getImageId());
            m.put("coilId", segmentation.getCoilId());
            m.put("capturedAt", iso(segmentation.getCapturedAt()));
            m.put("width", segmentation.getWidth());
            m.put("height", segmentation.getHeight());
            m.put("imageUrl", null);
        }
        // null while the segmenter has not answered yet; [] when it found nothing above its thresholds.
        m.put("masks", segmentation == null ? null : masks(segmentation.getMasks()));
        m.put("segmentationModel", segmentation == null ? null : segmentation.getModel().getName() + ":" + segmentation.getModel().getVersion());
        return m;
    }

    /** An image known only from the coil map: where it lies and its masks; its bytes are no longer kept. */
    static Map<String, Object> mapped(String coilId, MappedImage image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imageId", image.imageId());
        m.put("coilId", coilId);
        m.put("cameraId", image.cameraId());
        m.put("positionMm", image.startMm());
        m.put("width", image.width());
        m.put("height", image.height());
        m.put("imageUrl", null);
        m.put("masks", QualityViews.masks(image));
        return m;
    }

    /**
     * What every mask the API shows has, whichever record it comes from (a segmentation, the coil map, a review): the
     * dashboard draws each one from these.
     */
    static Map<String, Object> mask(int classId, String className, String rle, long pixelCount) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classId", classId);
        m.put("className", className);
        m.put("rle", rle);
        m.put("pixelCount", pixelCount);
        return m;
    }

    private static List<Map<String, Object>> masks(List<DefectMask> masks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DefectMask mask : masks) {
            Map<String, Object> m = mask(mask.getClassId(), mask.getClassName(), mask.getRle(), mask.getPixelCount());
            BoundingBox b = mask.getBoundingBox();
            m.put("boundingBox", Map.of("x", b.getX(), "y", b.getY(), "width", b.getWidth(), "height", b.getHeight()));
            m.put("meanProbability", mask.getMeanProbability());
            m.put("componentCount", mask.getComponentCount());
            out.add(m);
        }
        return out;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
