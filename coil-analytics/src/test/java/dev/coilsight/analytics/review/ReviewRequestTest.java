package dev.coilsight.analytics.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.coilsight.schemas.ReviewVerdict;

class ReviewRequestTest {

    private static ReviewRequest parse(String json) {
        return ReviewRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCorrectionCarriesItsMasks() {
        ReviewRequest r = parse("{\"reviewId\":\"r-1\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":2,\"rle\":\"1 3\"},"
                + "{\"classId\":4,\"className\":\"scratches\",\"rle\":\"\"}]}");
        assertThat(r.verdict()).isEqualTo(ReviewVerdict.CORRECTED);
        assertThat(r.masks()).containsExactly(new ReviewRequest.Mask(2, null, "1 3"), new ReviewRequest.Mask(4, "scratches", ""));
    }

    @Test
    void aMaskSpacedOverLinesIsKeptOnOneLineSoThatTheExportedCsvRowStaysWhole() {
        ReviewRequest r = parse("{\"reviewId\":\"r-1\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":2,\"rle\":\" 1 3\\r\\n500\\t 20\\n\"}]}");
        assertThat(r.masks()).containsExactly(new ReviewRequest.Mask(2, null, "1 3 500 20"));
    }

    @Test
    void theReviewItIsBasedOnIsNoneNamedOrNotSaid() {
        String body = "{\"reviewId\":\"r-1\",\"verdict\":\"CONFIRMED\"";
        assertThat(parse(body + "}").basedOn()).isEmpty();
        assertThat(parse(body + ",\"basedOn\":null}").basedOn()).contains("");
        assertThat(parse(body + ",\"basedOn\":\"a07\"}").basedOn()).contains("a07");
        assertThatThrownBy(() -> parse(body + ",\"basedOn\":5}")).hasMessageContaining("basedOn");
        assertThatThrownBy(() -> parse(body + ",\"basedOn\":\"a b\"}")).hasMessageContaining("basedOn");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON | {nope | the body is not JSON",
            "no id | {\"verdict\":\"CONFIRMED\"} | reviewId is missing",
            "id with a space | {\"reviewId\":\"a b\",\"verdict\":\"CONFIRMED\"} | reviewId must be",
            "no verdict | {\"reviewId\":\"r\"} | verdict is missing or not a string",
            "unknown verdict | {\"reviewId\":\"r\",\"verdict\":\"MAYBE\"} | verdict must be CONFIRMED, REJECTED or CORRECTED, got 'MAYBE'",
            "masks on a confirmation | {\"reviewId\":\"r\",\"verdict\":\"CONFIRMED\",\"masks\":[{\"classId\":1,\"rle\":\"1 1\"}]} | masks go with verdict CORRECTED only",
            "correction without masks | {\"reviewId\":\"r\",\"verdict\":\"CORRECTED\"} | verdict CORRECTED needs masks",
            "class id a string | {\"reviewId\":\"r\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":\"1\",\"rle\":\"\"}]} | masks[0].classId must be a whole number",
            "class id zero | {\"reviewId\":\"r\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":0,\"rle\":\"\"}]} | masks[0].classId must be between 1 and 255",
            "rle missing | {\"reviewId\":\"r\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":1}]} | masks[0].rle must be a string",
            "class twice | {\"reviewId\":\"r\",\"verdict\":\"CORRECTED\",\"masks\":[{\"classId\":1,\"rle\":\"\"},{\"classId\":1,\"rle\":\"\"}]} | masks[1]: class 1 appears twice"})
    void aBadRequestIsRefusedNamingTheField(String what, String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
