package io.mailgrid.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Realistic test mails of a target size: a rotating mix of plain text, HTML with a text
 * alternative, and text with a base64 attachment (PDF- or ZIP-like bytes). CRLF line endings,
 * lines under 78 characters, as real MUAs send them.
 */
public final class BenchMails {

    private static final String WORDS = "mail policy cluster broker queue scanner attachment invoice meeting report "
            + "quarterly budget customer delivery schedule project review update request approval contract";
    private final Random random;
    private final int size;

    /** @param size approximate size of each mail in bytes */
    public BenchMails(int size, long seed) {
        this.size = size;
        this.random = new Random(seed);
    }

    /** Mail number {@code n}: kind rotates plain, html, attachment. */
    public byte[] mail(int n, String messageId) {
        StringBuilder head = new StringBuilder();
        head.append("From: Sender ").append(n % 97).append(" <sender").append(n % 97).append("@example.com>\r\n");
        head.append("To: rcpt").append(n % 53).append("@example.org\r\n");
        head.append("Subject: ").append(words(6)).append(' ').append(n).append("\r\n");
        head.append("Message-ID: ").append(messageId).append("\r\n");
        head.append("Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n");
        head.append("MIME-Version: 1.0\r\n");
        int bodySize = Math.max(64, size - head.length() - 200);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 512);
        switch (n % 3) {
            case 0 -> {
                head.append("Content-Type: text/plain; charset=UTF-8\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(text(bodySize).getBytes(StandardCharsets.US_ASCII));
            }
            case 1 -> {
                String boundary = "alt-" + n;
                head.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
                String body = "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text(bodySize / 3)
                        + "--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<html><body><p>"
                        + text(bodySize * 2 / 3).replace("\r\n", "</p>\r\n<p>") + "</p></body></html>\r\n--" + boundary + "--\r\n";
                out.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
            }
            default -> {
                String boundary = "mixed-" + n;
                head.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
                byte[] attachment = new byte[Math.max(16, bodySize * 3 / 4 - 400)];
                random.nextBytes(attachment);
                String encoded = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
                String body = "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text(200)
                        + "--" + boundary + "\r\nContent-Type: application/pdf; name=\"report-" + n + ".pdf\"\r\n"
                        + "Content-Disposition: attachment; filename=\"report-" + n + ".pdf\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n--" + boundary + "--\r\n";
                out.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    /**
     * A mail of the same size carrying the given file as a base64 attachment: with the EICAR test
     * file, what a virus scanner must find and quarantine.
     */
    public byte[] withAttachment(int n, String messageId, String fileName, byte[] file) {
        String boundary = "mixed-" + n;
        String head = "From: Sender " + n % 97 + " <sender" + n % 97 + "@example.com>\r\n"
                + "To: rcpt" + n % 53 + "@example.org\r\n"
                + "Subject: " + words(6) + ' ' + n + "\r\n"
                + "Message-ID: " + messageId + "\r\n"
                + "Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
        String encoded = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(file);
        String attachment = "--" + boundary + "\r\nContent-Type: application/octet-stream; name=\"" + fileName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n--" + boundary + "--\r\n";
        int textSize = Math.max(64, size - head.length() - attachment.length() - 80);
        String body = "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text(textSize);
        return (head + body + attachment).getBytes(StandardCharsets.US_ASCII);
    }

    private String text(int length) {
        StringBuilder text = new StringBuilder(length + 80);
        StringBuilder line = new StringBuilder();
        String[] words = WORDS.split(" ");
        while (text.length() < length) {
            String word = words[random.nextInt(words.length)];
            if (line.length() + word.length() > 72) {
                text.append(line).append("\r\n");
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        return text.append(line).append("\r\n").toString();
    }

    private String words(int count) {
        String[] words = WORDS.split(" ");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
        }
        return text.toString();
    }
}
