package dev.coilsight.analytics.http;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

/** The strip as a PNG, for the PDF (whose renderer draws no SVG); twice the drawing units, for print. */
final class StripPng {

    private static final int SCALE = 2;

    private StripPng() {
    }

    /** An image as PNG bytes: the strip, and the report's images with their masks over them. */
    static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode PNG", e);
        }
        return out.toByteArray();
    }

    static byte[] render(StripLayout s) {
        BufferedImage image = new BufferedImage(s.width() * SCALE, s.height() * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            g.setColor(new Color(0xf4f6f8));
            g.fillRect(0, 0, s.width(), s.height());
            g.setColor(new Color(0xdde3e8));
            g.fillRect(s.pad(), s.pad(), s.width() - 2 * s.pad(), s.height() - 2 * s.pad());
            for (StripLayout.Box b : s.boxes()) {
                g.setColor(new Color(b.rgb()[0], b.rgb()[1], b.rgb()[2]));
                g.fill(new Rectangle2D.Double(b.x(), b.y(), b.w(), b.h()));
            }
            g.setColor(new Color(0xc62828));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 2f}, 0f));
            for (double x : s.rollMarks()) {
                g.draw(new Line2D.Double(x, s.pad() - 8, x, s.height() - s.pad() + 8));
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(s.leftLabel(), s.pad(), s.height() - 6);
            String right = s.rightLabel();
            g.drawString(right, s.width() - s.pad() - g.getFontMetrics().stringWidth(right), s.height() - 6);
        } finally {
            g.dispose();
        }
        return encode(image);
    }
}
