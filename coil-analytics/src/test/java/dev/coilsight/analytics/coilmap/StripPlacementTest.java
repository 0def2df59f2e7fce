package dev.coilsight.analytics.coilmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.Records;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectSegmentation;

class StripPlacementTest {

    @Test
    void eachComponentIsPlacedByItsCamerasGeometryAlongAndAcross() {
        BinaryMask mask = new BinaryMask(Records.HEIGHT, Records.WIDTH);
        fill(mask, 10, 19, 100, 129); // rows 10..19, columns 100..129
        fill(mask, 200, 201, 1500, 1501);
        DefectSegmentation s = Records.segmented("coil", "img-1", "L1", 0, 3, RunLengthEncoding.encode(mask));
        s.setCameraId("cam-right");
        s.setPositionMm(5_000.0);
        StripPlacement placement = new StripPlacement(CameraLayout.parse("*=1:1:0,cam-right=0.5:0.25:800", "COILSIGHT_CAMERA_GEOMETRY"));

        List<StripDefect> defects = placement.place(s).defects();

        assertEquals(2, defects.size());
        StripDefect first = defects.get(0);
        assertEquals(5_005.0, first.alongStartMm(), 1e-9);
        assertEquals(5_010.0, first.alongEndMm(), 1e-9);
        assertEquals(825.0, first.acrossStartMm(), 1e-9);
        assertEquals(832.5, first.acrossEndMm(), 1e-9);
        assertEquals(300 * 0.125, first.areaMm2(), 1e-9);
        assertEquals(3, first.classId());
        assertEquals(5_100.0, defects.get(1).alongStartMm(), 1e-9);
    }

    @Test
    void withoutAPositionTheSequenceCountsFramesBackToBack() {
        StripPlacement placement = new StripPlacement(CameraLayout.uniform(new CameraGeometry(0.5, 1, 0)));
        assertEquals(3 * 256 * 0.5, placement.imageStartMm("cam", null, 3, 256), 1e-9);
        assertEquals(42.0, placement.imageStartMm("cam", 42.0, 3, 256), 1e-9);
    }

    @Test
    void aBadGeometrySettingNamesTheVariableAndTheCamera() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CameraLayout.parse("cam-1=0.5:0:10", "COILSIGHT_CAMERA_GEOMETRY"));
        assertTrue(e.getMessage().startsWith("COILSIGHT_CAMERA_GEOMETRY: camera cam-1: millimetres per pixel must be positive"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> CameraLayout.parse("cam-1=0.5:1", "COILSIGHT_CAMERA_GEOMETRY"));
        assertTrue(shape.getMessage().contains("'cam-1=0.5:1' is not camera=mmPerPixelAlong:mmPerPixelAcross:offsetAcrossMm"), shape.getMessage());
        assertEquals("*=1.0:1.0:0.0,cam-1=0.5:0.5:10.0", CameraLayout.parse("cam-1=0.5:0.5:10", "x").describe());
    }

    private static void fill(BinaryMask mask, int row0, int row1, int col0, int col1) {
        for (int r = row0; r <= row1; r++) {
            for (int c = col0; c <= col1; c++) {
                mask.set(r, c, true);
            }
        }
    }
}
