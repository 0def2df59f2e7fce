package dev.coilsight.analytics.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;

/**
 * The coil report as PDF: the report page's XHTML laid out by openhtmltopdf (CSS 2.1 on PDFBox), with the map as PNG.
 * Text is set in DejaVu Sans where the system has it (Debian's fonts-dejavu-core, which the container image installs):
 * PDFBox's own Helvetica has no glyph for a class or product named outside Latin-1 ("wżery" printed as "w#ery"); DejaVu
 * covers Latin, Greek and Cyrillic, not CJK.
 */
final class CoilReportPdf {

    /** The family the report's CSS names before the generic sans-serif. */
    static final String FONT_FAMILY = "DejaVu Sans";
    private static final List<Path> FONT_FOLDERS = List.of(Path.of("/usr/share/fonts/truetype/dejavu"), Path.of("/usr/share/fonts/dejavu"),
            Path.of("/usr/share/fonts/TTF"));

    static {
        // It logs every layout step through java.util.logging; failures reach the caller as exceptions.
        XRLog.setLoggingEnabled(false);
    }

    private CoilReportPdf() {
    }

    static byte[] render(String xhtml) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        font("DejaVuSans.ttf").ifPresent(regular -> builder.useFont(regular.toFile(), FONT_FAMILY, 400, FontStyle.NORMAL, true));
        font("DejaVuSans-Bold.ttf").ifPresent(bold -> builder.useFont(bold.toFile(), FONT_FAMILY, 700, FontStyle.NORMAL, true));
        builder.withHtmlContent(xhtml, null);
        builder.toStream(out);
        try {
            builder.run();
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out the coil report as PDF: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The system's copy of a DejaVu font file, if any. */
    static Optional<Path> font(String file) {
        return FONT_FOLDERS.stream().map(folder -> folder.resolve(file)).filter(Files::isRegularFile).findFirst();
    }
}
