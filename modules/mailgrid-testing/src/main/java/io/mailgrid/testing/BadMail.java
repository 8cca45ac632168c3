package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Malformed and hostile mails, one method per kind of bad input the issue names. Every mail has a
 * To header, so it can also go through ingress; the bytes are deterministic.
 */
public final class BadMail {

    private static final String HEAD = "From: alice@example.com\r\nTo: bob@example.com\r\n"
            + "Message-ID: <bad@test.mailgrid>\r\nMIME-Version: 1.0\r\n";

    private BadMail() {
    }

    /** A multipart whose declared boundary never occurs: the parts cannot be found. */
    public static byte[] boundaryNeverOccurs() {
        return ascii(HEAD + "Subject: broken boundary\r\nContent-Type: multipart/mixed; boundary=\"declared\"\r\n\r\n"
                + "--other\r\nContent-Type: application/x-msdownload; name=\"a.exe\"\r\n\r\nMZ...\r\n--other--\r\n");
    }

    /** A multipart that ends without its closing boundary (a truncated mail), with a blocked attachment. */
    public static byte[] missingClosingBoundary() {
        return ascii(HEAD + "Subject: truncated\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"run.exe\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n");
    }

    /** A multipart boundary longer than RFC 2046 allows (70 characters), around a blocked attachment. */
    public static byte[] overlongBoundary() {
        String boundary = "b".repeat(200);
        return ascii(HEAD + "Subject: long boundary\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--" + boundary + "\r\nContent-Type: application/octet-stream; name=\"x.scr\"\r\n\r\nMZ\r\n--" + boundary + "--\r\n");
    }

    /** A base64 part full of characters base64 does not have, and missing its padding. */
    public static byte[] badBase64() {
        return ascii(HEAD + "Subject: bad base64\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "SGVsbG8g!!!@@@###***d29y\u00a7bGQ=\r\n====\r\nAAA\r\n");
    }

    /** A part with a transfer encoding that does not exist. */
    public static byte[] unknownTransferEncoding() {
        return ascii(HEAD + "Subject: bad encoding\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-gibberish-42\r\n\r\n"
                + "=?=?=?=\r\n");
    }

    /** Only a To header: no From, Date, Message-ID, MIME-Version or Content-Type. */
    public static byte[] missingHeaders() {
        return ascii("To: bob@example.com\r\n\r\nA mail with almost no headers.\r\n");
    }

    /** A To header and then text that is no header at all, without the blank line. */
    public static byte[] noHeaderBlock() {
        return ascii("To: bob@example.com\r\nthis line is not a header\r\nneither is this one\r\n");
    }

    /** Random 8-bit bytes in a header and as the whole body (seeded: the same bytes every run). */
    public static byte[] eightBitGarbage() {
        Random random = new Random(42);
        byte[] header = new byte[200];
        byte[] body = new byte[64 * 1024];
        random.nextBytes(header);
        random.nextBytes(body);
        for (int i = 0; i < header.length; i++) {
            if (header[i] == '\r' || header[i] == '\n') {
                header[i] = (byte) 0xE9;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii(HEAD + "Subject: "));
        out.writeBytes(header);
        out.writeBytes(ascii("\r\nX-Garbage: \u00ff\u00fe\r\nContent-Type: text/plain; charset=\"\u00ff\u00fe-bogus\"\r\n\r\n"));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** NUL bytes in a header value, in the body and in an attachment name. */
    public static byte[] nulBytes() {
        return ascii(HEAD + "Subject: nul\u0000bytes\r\nContent-Type: multipart/mixed; boundary=\"n\"\r\n\r\n"
                + "--n\r\nContent-Type: text/plain\r\n\r\nbefore\u0000\u0000\u0000after\r\n"
                + "--n\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"report\u0000.txt\"\r\n\r\n"
                + "\u0000\u0000\u0000\r\n--n--\r\n");
    }

    /** One header line of {@code bytes} characters, unfolded. */
    public static byte[] hugeHeaderLine(int bytes) {
        return ascii(HEAD + "Subject: huge header\r\nX-Huge: " + "h".repeat(bytes) + "\r\n\r\nbody\r\n");
    }

    /** Multiparts nested {@code levels} deep, each holding the next. */
    public static byte[] deeplyNested(int levels) {
        StringBuilder mail = new StringBuilder(HEAD).append("Subject: nested ").append(levels).append("\r\n");
        for (int i = 0; i < levels; i++) {
            mail.append("Content-Type: multipart/mixed; boundary=\"n").append(i).append("\"\r\n\r\n--n").append(i).append("\r\n");
        }
        mail.append("Content-Type: text/plain\r\n\r\ninnermost\r\n");
        for (int i = levels - 1; i >= 0; i--) {
            mail.append("--n").append(i).append("--\r\n");
        }
        return ascii(mail.toString());
    }

    /**
     * A zip attachment with one entry of {@code unpackedBytes} zeros: a few kilobytes that expand
     * far beyond any limit.
     */
    public static byte[] zipBomb(long unpackedBytes) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            zip.setLevel(9);
            zip.putNextEntry(new ZipEntry("zeros.txt"));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < unpackedBytes; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, unpackedBytes - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MimeMail.to("bob@example.com").subject("zip bomb").text("see attachment")
                .attachment("harmless.zip", "application/zip", zipped.toByteArray()).bytes();
    }

    /** A mail of about {@code bytes} bytes: a text part and a base64 attachment of random data. */
    public static byte[] large(int bytes) {
        byte[] content = new byte[bytes / 4 * 3];
        new Random(7).nextBytes(content);
        return MimeMail.to("bob@example.com").subject("large").text("big attachment follows")
                .attachment("data.bin", "application/octet-stream", content).bytes();
    }

    private static byte[] ascii(String text) {
        // ISO-8859-1 keeps every char below 256 as one byte, so \u00ff is the byte 0xFF
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
