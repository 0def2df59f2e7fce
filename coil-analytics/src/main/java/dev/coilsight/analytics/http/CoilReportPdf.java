package dev.coilsight.analytics.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;

/** The coil report as PDF: the report page's XHTML laid out by openhtmltopdf (CSS 2.1 on PDFBox), with the map as PNG. */
final class CoilReportPdf {

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
        builder.withHtmlContent(xhtml, null);
        builder.toStream(out);
        try {
            builder.run();
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out the coil report as PDF: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
