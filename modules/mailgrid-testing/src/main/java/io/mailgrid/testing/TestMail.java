package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds RFC 5322 test mails in a few lines: {@code TestMail.to("bob@example.com").subject("hi").bytes()}.
 * Lines end in CRLF unless {@link #lf()} is asked for.
 */
public final class TestMail {

    private String from = "alice@example.com";
    private final List<String> to = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String subject = "test";
    private byte[] body = "Hello.\r\n".getBytes(StandardCharsets.US_ASCII);
    private String messageId = "<" + UUID.randomUUID() + "@test.mailgrid>";
    private String eol = "\r\n";

    private TestMail() {
    }

    /** A mail to these recipients. */
    public static TestMail to(String... recipients) {
        TestMail mail = new TestMail();
        mail.to.addAll(List.of(recipients));
        return mail;
    }

    public TestMail from(String sender) {
        this.from = sender;
        return this;
    }

    public TestMail subject(String value) {
        this.subject = value;
        return this;
    }

    public TestMail messageId(String value) {
        this.messageId = value;
        return this;
    }

    public TestMail header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The body as given, bytes unchanged (may hold 8-bit data). */
    public TestMail body(byte[] value) {
        this.body = value.clone();
        return this;
    }

    public TestMail body(String value) {
        return body(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Makes the mail multipart/mixed: the body text, then this file as a base64 attachment
     * (application/octet-stream). Call last: it replaces the body and sets Content-Type.
     */
    public TestMail attachment(String fileName, byte[] content) {
        String boundary = "mailgrid-test-" + UUID.randomUUID();
        String text = new String(body, StandardCharsets.UTF_8);
        String encoded = java.util.Base64.getMimeEncoder(76, eol.getBytes(StandardCharsets.US_ASCII)).encodeToString(content);
        header("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
        return body("--" + boundary + eol + "Content-Type: text/plain; charset=utf-8" + eol + eol + text + eol
                + "--" + boundary + eol + "Content-Type: application/octet-stream; name=\"" + fileName + "\"" + eol
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"" + eol
                + "Content-Transfer-Encoding: base64" + eol + eol + encoded + eol + "--" + boundary + "--" + eol);
    }

    /** End header lines with LF instead of CRLF, as files written on Unix often do. */
    public TestMail lf() {
        this.eol = "\n";
        return this;
    }

    public String messageId() {
        return messageId;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, "From: " + from);
        line(out, "To: " + String.join(", ", to));
        line(out, "Subject: " + subject);
        line(out, "Message-ID: " + messageId);
        line(out, "Date: Wed, 25 Nov 2026 12:00:00 +0000");
        line(out, "MIME-Version: 1.0");
        headers.forEach((name, value) -> line(out, name + ": " + value));
        line(out, "");
        out.writeBytes(body);
        return out.toByteArray();
    }

    private void line(ByteArrayOutputStream out, String text) {
        out.writeBytes((text + eol).getBytes(StandardCharsets.UTF_8));
    }
}
