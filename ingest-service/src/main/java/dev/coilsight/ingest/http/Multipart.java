package dev.coilsight.ingest.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.coilsight.ingest.publish.IngestRejection;

/** A small multipart/form-data parser (RFC 7578) for bodies already held in memory under the size limit. */
final class Multipart {

    /** One part: its form name, optional file name and content type, and bytes. */
    record Part(String name, String fileName, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8).trim();
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1");
    private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"");
    static final int MAX_BOUNDARY = 70;
    private static final Pattern FILE_NAME = Pattern.compile("filename=\"([^\"]*)\"");

    private Multipart() {
    }

    static List<Part> parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw IngestRejection.badRequest("invalid_multipart", "multipart/form-data without a boundary parameter");
        }
        if (m.group(2).length() > MAX_BOUNDARY) {
            // RFC 2046 allows 70; a longer one is no browser's or library's, and would make the search slower.
            throw IngestRejection.badRequest("invalid_multipart", "multipart boundary of " + m.group(2).length() + " characters; at most "
                    + MAX_BOUNDARY + " are allowed (RFC 2046)");
        }
        byte[] delimiter = ("--" + m.group(2)).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int position = indexOf(body, delimiter, 0);
        if (position < 0) {
            throw IngestRejection.badRequest("invalid_multipart", "multipart body does not contain its boundary");
        }
        while (true) {
            int afterDelimiter = position + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                return parts; // closing delimiter
            }
            int headersStart = skipLineBreak(body, afterDelimiter);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw IngestRejection.badRequest("invalid_multipart", "multipart part without a header/body separator");
            }
            Map<String, String> headers = headers(new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8));
            int bodyStart = headersEnd + 4;
            byte[] next = ("\r\n--" + m.group(2)).getBytes(StandardCharsets.ISO_8859_1);
            int bodyEnd = indexOf(body, next, bodyStart);
            if (bodyEnd < 0) {
                throw IngestRejection.badRequest("invalid_multipart", "multipart body ends before its closing boundary");
            }
            String disposition = headers.getOrDefault("content-disposition", "");
            Matcher name = NAME.matcher(disposition);
            Matcher fileName = FILE_NAME.matcher(disposition);
            byte[] content = java.util.Arrays.copyOfRange(body, bodyStart, bodyEnd);
            parts.add(new Part(name.find() ? name.group(1) : "", fileName.find() ? fileName.group(1) : null,
                    headers.get("content-type"), content));
            position = bodyEnd + 2;
        }
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static int skipLineBreak(byte[] body, int i) {
        if (i + 1 < body.length && body[i] == '\r' && body[i + 1] == '\n') {
            return i + 2;
        }
        return i;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
