package dev.coilsight.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class CoilReportPdfTest {

    @Test
    void classAndProductNamesOutsideLatin1PrintAsTheyAreWritten() throws Exception {
        assumeTrue(CoilReportPdf.font("DejaVuSans.ttf").isPresent(), "ASSUMPTION: DejaVu Sans is not installed (Debian: apt-get install "
                + "fonts-dejavu-core; .ci/run and the container image install it), so the PDF falls back to Helvetica");
        String xhtml = "<html><head><style>body{font-family:system-ui,'DejaVu Sans',sans-serif}</style></head>"
                + "<body><h1>Coil <b>wżery</b></h1><p>łuska · окалина · 120 mm²</p></body></html>";
        try (PDDocument pdf = Loader.loadPDF(CoilReportPdf.render(xhtml))) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("wżery").contains("łuska").contains("окалина").contains("mm²").doesNotContain("#");
        }
    }
}
