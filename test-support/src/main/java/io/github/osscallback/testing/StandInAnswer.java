package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer the stand-in sends: status, headers, body; and OSS's XML answers and errors. */
final class StandInAnswer {

    /** The form of the Date and Last-Modified headers. */
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final byte[] body;

    StandInAnswer(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
    }

    /** An answer without a body. */
    static StandInAnswer empty(int status) {
        return new StandInAnswer(status, null, new byte[0]);
    }

    static StandInAnswer xml(int status, String xml) {
        return new StandInAnswer(status, "application/xml",
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8));
    }

    /** OSS's XML error; a request without a Host header gets the stand-in's address as HostId. */
    static StandInAnswer error(int status, String code, String message, String requestId, String host) {
        return xml(status, "<Error>" + element("Code", code) + element("Message", message)
                + element("RequestId", requestId) + element("HostId", host == null ? "127.0.0.1" : host) + "</Error>");
    }

    static String element(String name, String text) {
        return "<" + name + ">" + StandInXml.escape(text) + "</" + name + ">";
    }

    /** This answer with these headers added. */
    StandInAnswer with(Map<String, String> more) {
        headers.putAll(more);
        return this;
    }
}
