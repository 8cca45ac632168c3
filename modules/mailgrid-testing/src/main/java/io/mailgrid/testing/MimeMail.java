package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds multipart test mails with attachments in a few lines:
 * {@code MimeMail.to("bob@example.com").text("hi").attachment("a.zip", "application/zip", zip).bytes()}.
 * Attachments are base64 in lines of 76 characters, lines end in CRLF.
 */
public final class MimeMail {

    private final String to;
    private String subject = "test";
    private final List<String> parts = new ArrayList<>();
    private final String boundary = "=_mailgrid_" + UUID.randomUUID();

    private MimeMail(String to) {
        this.to = to;
    }

    public static MimeMail to(String recipient) {
        return new MimeMail(recipient);
    }

    public MimeMail subject(String value) {
        this.subject = value;
        return this;
    }

    /** A text/plain part (UTF-8, 8bit). */
    public MimeMail text(String text) {
        parts.add("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text + "\r\n");
        return this;
    }

    /** An attachment, base64-encoded. */
    public MimeMail attachment(String fileName, String contentType, byte[] content) {
        parts.add("Content-Type: " + contentType + "; name=\"" + fileName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(content));
        return this;
    }

    /** A part written as given (headers, blank line, body). */
    public MimeMail rawPart(String part) {
        parts.add(part);
        return this;
    }

    public byte[] bytes() {
        StringBuilder mail = new StringBuilder();
        mail.append("From: alice@example.com\r\nTo: ").append(to).append("\r\nSubject: ").append(subject)
                .append("\r\nMessage-ID: <").append(UUID.randomUUID()).append("@test.mailgrid>\r\n")
                .append("Date: Wed, 25 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("This is a multi-part message in MIME format.\r\n");
        for (String part : parts) {
            mail.append("--").append(boundary).append("\r\n").append(part);
        }
        mail.append("--").append(boundary).append("--\r\n");
        return mail.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Base64 in lines of 76 characters, each ending in CRLF. */
    public static String base64Lines(byte[] content) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(content) + "\r\n";
    }

    /** A zip archive holding these entries (name to content). */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
