package io.mailgrid.ingress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;


/**
 * Recognises a mail sent again after its 250 was lost (RFC 1047): the key of a mail is a digest of
 * its Message-ID, its envelope (MAIL FROM and the set of RCPT TO) and its bytes. The same mail sent
 * again, to any node, has the same key; a mail that differs in any of them, such as the same
 * message split by the sending MTA into two envelopes, has another. A mail without a Message-ID has
 * no key and is never taken for a resend: nothing else tells a resend from a second, identical mail.
 */
public final class ResendKey {

    /** Headers read to find the Message-ID; a mail whose Message-ID comes later is treated as having none. */
    static final int MAX_HEADER_BYTES = 256 * 1024;
    /** 128 bits of SHA-256: collisions are out of reach, and the broker keeps 22 characters per mail. */
    private static final int KEY_BYTES = 16;
    private static final String MESSAGE_ID = "Message-ID";

    private ResendKey() {
    }

    /**
     * The key of a received mail, or empty when it has no Message-ID.
     *
     * @param body       the bytes as received
     * @param bodySha256 their SHA-256 digest
     */
    public static Optional<String> of(MailBody body, byte[] bodySha256, String mailFrom, Collection<String> recipients) {
        return messageId(body).map(id -> key(id, mailFrom, recipients, bodySha256));
    }

    static String key(String messageId, String mailFrom, Collection<String> recipients, byte[] bodySha256) {
        MessageDigest digest = BodyReader.sha256();
        update(digest, messageId);
        update(digest, mailFrom);
        String[] sorted = recipients.toArray(String[]::new);
        Arrays.sort(sorted); // an MTA may list them in another order when it tries again
        for (String recipient : sorted) {
            update(digest, recipient);
        }
        digest.update(bodySha256);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), KEY_BYTES));
    }

    private static void update(MessageDigest digest, String field) {
        digest.update(field.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0); // a separator no address or Message-ID contains
    }

    /**
     * The mail's Message-ID (the first one, unfolded and trimmed), if it has a non-empty one. Read as
     * Jakarta Mail's {@code InternetHeaders} reads a header block (lines end at CRLF, LF or CR; the
     * block at the first empty line; a line starting with a space or tab continues the field above;
     * a first line starting with one is taken trimmed; the name is trimmed; UTF-8), so a resent mail
     * gets the same key from a node of the version before; but without it: it searched the class path
     * for a stream provider on every call (issue 12: a quarter of the node's CPU on SMTP in).
     */
    static Optional<String> messageId(MailBody body) {
        try (InputStream headers = new BufferedInputStream(new LimitedHeaders(body.open()), 8192)) {
            Line line = new Line();
            Line value = null; // the Message-ID field's value, its folded lines joined
            boolean first = true;
            while (line.read(headers) && line.length > 0) {
                boolean continued = line.bytes[0] == ' ' || line.bytes[0] == '\t';
                if (continued && !first) {
                    if (value != null) {
                        value.append(line.bytes, 0, line.length);
                    }
                    continue;
                }
                if (value != null) {
                    break; // the first Message-ID field ended
                }
                int start = continued ? line.skipWhitespace() : 0;
                int colon = line.indexOf((byte) ':', start);
                if (colon >= 0 && isMessageIdName(line, start, colon)) {
                    value = new Line();
                    value.append(line.bytes, colon + 1, line.length - colon - 1);
                }
                first = false;
            }
            String id = value == null ? "" : new String(value.bytes, 0, value.length, StandardCharsets.UTF_8).trim();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // headers that cannot be read carry no usable Message-ID
        }
    }

    private static boolean isMessageIdName(Line line, int start, int colon) {
        String name = new String(line.bytes, start, colon - start, StandardCharsets.ISO_8859_1).trim();
        return name.equalsIgnoreCase(MESSAGE_ID);
    }

    /** One line of the header block without its line ending, in a buffer reused from line to line. */
    private static final class Line {
        byte[] bytes = new byte[256];
        int length;

        /** Reads the next line (ended by CRLF, LF, CR or the end); false at the end of the input. */
        boolean read(InputStream in) throws IOException {
            length = 0;
            int b = in.read();
            if (b < 0) {
                return false;
            }
            while (b >= 0 && b != '\n' && b != '\r') {
                add((byte) b);
                b = in.read();
            }
            if (b == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset(); // a CR alone ends the line too
                }
            }
            return true;
        }

        void append(byte[] from, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                add(from[i]);
            }
        }

        int skipWhitespace() {
            int i = 0;
            while (i < length && (bytes[i] & 0xff) <= ' ') {
                i++;
            }
            return i;
        }

        int indexOf(byte value, int from) {
            for (int i = from; i < length; i++) {
                if (bytes[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        private void add(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, length * 2);
            }
            bytes[length++] = b;
        }
    }

    /** The first {@link #MAX_HEADER_BYTES} of the mail, where its header block is. */
    private static final class LimitedHeaders extends java.io.FilterInputStream {
        private int left = MAX_HEADER_BYTES;

        LimitedHeaders(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = super.read();
            if (b != -1) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = super.read(target, offset, Math.min(count, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
