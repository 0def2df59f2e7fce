package dev.coilsight.trainer.explore;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.rle.BinaryMask;

/**
 * Example images per class with their ground-truth masks drawn over them in per-class colours.
 * Keeps at most {@code perClass} rendered examples per class, scaled down, so memory stays bounded.
 */
public final class Gallery {

    static final int PANEL_WIDTH = 800;
    private static final int MAX_PANEL_HEIGHT = 320;
    private static final int CAPTION = 22;
    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(0, 130, 200), new Color(255, 225, 25),
        new Color(145, 30, 180), new Color(70, 240, 240), new Color(245, 130, 48), new Color(240, 50, 230)};

    private final int perClass;
    private final SortedMap<Integer, List<BufferedImage>> examples = new TreeMap<>();

    Gallery(int perClass) {
        this.perClass = perClass;
    }

    public static Color colour(int classId) {
        return PALETTE[(classId - 1 + PALETTE.length) % PALETTE.length];
    }

    /** Whether an image with these classes would add an example anywhere (so callers skip the work otherwise). */
    boolean wants(Iterable<Integer> classIds) {
        for (int classId : classIds) {
            if (examples.getOrDefault(classId, List.of()).size() < perClass) {
                return true;
            }
        }
        return false;
    }

    void offer(String imageId, DecodedImage gray, Map<Integer, BinaryMask> masks) {
        if (!wants(masks.keySet())) {
            return;
        }
        BufferedImage panel = render(imageId, gray, masks);
        for (int classId : masks.keySet()) {
            List<BufferedImage> list = examples.computeIfAbsent(classId, c -> new ArrayList<>());
            if (list.size() < perClass) {
                list.add(panel);
            }
        }
    }

    /** Writes gallery-class-N.png per class; returns the file names. */
    List<String> write(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        for (var entry : examples.entrySet()) {
            List<BufferedImage> panels = entry.getValue();
            int height = panels.stream().mapToInt(BufferedImage::getHeight).sum();
            BufferedImage sheet = new BufferedImage(PANEL_WIDTH, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = sheet.createGraphics();
            int y = 0;
            for (BufferedImage panel : panels) {
                g.drawImage(panel, 0, y, null);
                y += panel.getHeight();
            }
            g.dispose();
            String name = "gallery-class-" + entry.getKey() + ".png";
            ImageIO.write(sheet, "png", dir.resolve(name).toFile());
            files.add(name);
        }
        return files;
    }

    /** A captioned panel (800 px wide) of the image with the masks blended in per-class colours. */
    public static BufferedImage render(String imageId, DecodedImage gray, Map<Integer, BinaryMask> masks) {
        int width = gray.width();
        int height = gray.height();
        BufferedImage overlay = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[width * height];
        byte[] pixels = gray.pixels();
        for (int i = 0; i < argb.length; i++) {
            int v = pixels[i] & 0xff;
            argb[i] = (v << 16) | (v << 8) | v;
        }
        for (var entry : masks.entrySet()) {
            Color c = colour(entry.getKey());
            byte[] mask = entry.getValue().columnMajor();
            for (int col = 0; col < width; col++) {
                for (int row = 0; row < height; row++) {
                    if (mask[col * height + row] != 0) {
                        int i = row * width + col;
                        argb[i] = blend(argb[i], c, 0.5);
                    }
                }
            }
        }
        overlay.setRGB(0, 0, width, height, argb, 0, width);

        double scale = Math.min((double) PANEL_WIDTH / width, (double) MAX_PANEL_HEIGHT / height);
        int w = (int) Math.round(width * scale);
        int h = (int) Math.round(height * scale);
        BufferedImage panel = new BufferedImage(PANEL_WIDTH, h + CAPTION, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = panel.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, PANEL_WIDTH, h + CAPTION);
        g.drawImage(overlay, 0, CAPTION, w, h, null);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = 4;
        g.setColor(Color.BLACK);
        g.drawString(imageId, x, 16);
        x += g.getFontMetrics().stringWidth(imageId) + 12;
        for (int classId : masks.keySet()) {
            g.setColor(colour(classId));
            g.fillRect(x, 5, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString("class " + classId, x + 16, 16);
            x += 80;
        }
        g.dispose();
        return panel;
    }

    private static int blend(int rgb, Color c, double alpha) {
        int r = (int) (((rgb >> 16) & 0xff) * (1 - alpha) + c.getRed() * alpha);
        int g = (int) (((rgb >> 8) & 0xff) * (1 - alpha) + c.getGreen() * alpha);
        int b = (int) ((rgb & 0xff) * (1 - alpha) + c.getBlue() * alpha);
        return (r << 16) | (g << 8) | b;
    }
}
