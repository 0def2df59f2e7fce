package dev.coilsight.analytics.coilmap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The geometry of every camera of a line, parsed from one setting such as
 * {@code *=0.25:0.5:0,cam-left=0.25:0.5:0,cam-right=0.25:0.5:800}: per camera id (or {@code *} for every camera not
 * named) millimetres per pixel along, across, and the offset of its first column across the strip. Several
 * cameras side by side cover the strip's width with their offsets.
 */
public final class CameraLayout {

    public static final String ANY_CAMERA = "*";

    private final Map<String, CameraGeometry> cameras;
    private final CameraGeometry fallback;

    private CameraLayout(Map<String, CameraGeometry> cameras, CameraGeometry fallback) {
        this.cameras = Map.copyOf(cameras);
        this.fallback = fallback;
    }

    public static CameraLayout uniform(CameraGeometry geometry) {
        return new CameraLayout(Map.of(), geometry);
    }

    /**
     * @param setting comma-separated {@code camera=along:across:offset} entries
     * @param variable the setting's name, for the error message
     */
    public static CameraLayout parse(String setting, String variable) {
        Map<String, CameraGeometry> cameras = new LinkedHashMap<>();
        CameraGeometry fallback = CameraGeometry.UNIT;
        for (String entry : setting.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String[] numbers = eq < 0 ? new String[0] : entry.substring(eq + 1).split(":");
            if (eq <= 0 || numbers.length != 3) {
                throw new IllegalArgumentException(variable + ": '" + entry.strip() + "' is not camera=mmPerPixelAlong:mmPerPixelAcross:offsetAcrossMm");
            }
            String camera = entry.substring(0, eq).strip();
            CameraGeometry geometry;
            try {
                geometry = new CameraGeometry(Double.parseDouble(numbers[0]), Double.parseDouble(numbers[1]), Double.parseDouble(numbers[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(variable + ": camera " + camera + ": not a number in '" + entry.strip() + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(variable + ": camera " + camera + ": " + e.getMessage());
            }
            if (camera.equals(ANY_CAMERA)) {
                fallback = geometry;
            } else if (cameras.put(camera, geometry) != null) {
                throw new IllegalArgumentException(variable + ": camera " + camera + " is given twice");
            }
        }
        return new CameraLayout(cameras, fallback);
    }

    public CameraGeometry of(String cameraId) {
        return cameras.getOrDefault(cameraId, fallback);
    }

    /** The setting that parses back into this layout. */
    public String describe() {
        StringJoiner out = new StringJoiner(",");
        out.add(entry(ANY_CAMERA, fallback));
        cameras.forEach((camera, g) -> out.add(entry(camera, g)));
        return out.toString();
    }

    private static String entry(String camera, CameraGeometry g) {
        return camera + "=" + g.mmPerPixelAlong() + ":" + g.mmPerPixelAcross() + ":" + g.offsetAcrossMm();
    }
}
