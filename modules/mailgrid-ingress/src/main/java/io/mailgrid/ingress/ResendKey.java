package io.mailgrid.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;

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

    /** The mail's Message-ID (the first one, unfolded and trimmed), if it has a non-empty one. */
    static Optional<String> messageId(MailBody body) {
        try (InputStream headers = new LimitedHeaders(body.open())) {
            String value = new InternetHeaders(headers, true).getHeader("Message-ID", null);
            if (value == null) {
                return Optional.empty();
            }
            String id = MimeUtility.unfold(value).trim();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (MessagingException | IOException | RuntimeException e) {
            return Optional.empty(); // headers that cannot be read carry no usable Message-ID
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
