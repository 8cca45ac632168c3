package io.mailgrid.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Reads the body of one SMTP mail (after DATA, dot-unstuffed, or BDAT) into a {@link MailBuffer},
 * checking the size and line limits and digesting the bytes on the way. It always reads to the end,
 * past any limit, so that the session stays in step with the client; what cannot be kept is dropped.
 */
final class BodyReader {

    /** Why a mail cannot be accepted, most permanent first. */
    enum Refusal {
        /** Larger than {@code mailgrid.smtp.size-limit}: 552, for good. */
        TOO_LARGE,
        /** A line longer than {@code mailgrid.smtp.max-line-length}: 500, for good. */
        LINE_TOO_LONG,
        /** The memory budget had no room for it: 452, try again later. */
        NO_MEMORY
    }

    /**
     * @param size        bytes the client sent
     * @param longestLine longest line, without its line ending
     * @param refusal     why the mail cannot be accepted, if it cannot
     * @param sha256      digest of the bytes (meaningful only when there is no refusal)
     */
    record Result(long size, int longestLine, Optional<Refusal> refusal, byte[] sha256) {
    }

    private BodyReader() {
    }

    static Result read(InputStream in, MailBuffer buffer, long sizeLimit, int maxLineLength) throws IOException {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[8192];
        long total = 0;
        int line = 0;
        int longest = 0;
        boolean fits = true;
        int n;
        while ((n = in.read(chunk)) != -1) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    longest = Math.max(longest, line);
                    line = 0;
                } else if (b != '\r') {
                    line++;
                }
            }
            total += n;
            if (total > sizeLimit) {
                buffer.discard();
            } else if (fits) {
                fits = buffer.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        longest = Math.max(longest, line);
        Optional<Refusal> refusal = total > sizeLimit ? Optional.of(Refusal.TOO_LARGE)
                : longest > maxLineLength ? Optional.of(Refusal.LINE_TOO_LONG)
                : !fits ? Optional.of(Refusal.NO_MEMORY) : Optional.empty();
        return new Result(total, longest, refusal, digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
