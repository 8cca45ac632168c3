package io.mailgrid.checks;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * Bounds on reading one mail's MIME structure, so that no mail can make a check run without end
 * or hold much memory. A mail over a limit is {@link io.mailgrid.core.Verdict#UNPARSEABLE}.
 *
 * @param maxDepth       deepest nesting of multiparts and attached messages
 *                       ({@code mailgrid.mime.max-depth})
 * @param maxParts       most parts in one mail ({@code mailgrid.mime.max-parts})
 * @param maxHeaderBytes longest header field and header line ({@code mailgrid.mime.max-header-size})
 * @param maxHeaders     most header fields in one message or part ({@code mailgrid.mime.max-headers})
 */
public record MimeLimits(int maxDepth, int maxParts, int maxHeaderBytes, int maxHeaders) {

    /** Deepest nesting of multiparts and attached messages. */
    public static final String MAX_DEPTH = "mailgrid.mime.max-depth";
    /** Most MIME parts (bodies, attachments) in one mail. */
    public static final String MAX_PARTS = "mailgrid.mime.max-parts";
    /** Longest header field and header line. */
    public static final String MAX_HEADER_SIZE = "mailgrid.mime.max-header-size";
    /** Most header fields in one message or part. */
    public static final String MAX_HEADERS = "mailgrid.mime.max-headers";

    /** The keys; all policy (a mail over a limit is UNPARSEABLE). */
    public static final java.util.List<io.mailgrid.core.Setting> SETTINGS = java.util.List.of(
            io.mailgrid.core.Setting.policy(MAX_DEPTH), io.mailgrid.core.Setting.policy(MAX_PARTS),
            io.mailgrid.core.Setting.policy(MAX_HEADER_SIZE), io.mailgrid.core.Setting.policy(MAX_HEADERS));

    public MimeLimits {
        if (maxDepth < 1 || maxParts < 1 || maxHeaderBytes < 1000 || maxHeaders < 1) {
            throw new IllegalArgumentException("MIME limits too small: depth " + maxDepth + ", parts " + maxParts
                    + ", header bytes " + maxHeaderBytes + ", headers " + maxHeaders);
        }
    }

    /** Reads the {@code mailgrid.mime.*} settings. */
    public static MimeLimits from(MailgridConfig config) {
        long headerBytes = config.bytes(MAX_HEADER_SIZE);
        if (headerBytes < 1000 || headerBytes > Integer.MAX_VALUE) {
            throw new ConfigException(MAX_HEADER_SIZE + ": must be between 1000 bytes and 2GB, got "
                    + config.string(MAX_HEADER_SIZE));
        }
        return new MimeLimits(config.integer(MAX_DEPTH, 1),
                config.integer(MAX_PARTS, 1), (int) headerBytes,
                config.integer(MAX_HEADERS, 1));
    }
}
