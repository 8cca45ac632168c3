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

    public MimeLimits {
        if (maxDepth < 1 || maxParts < 1 || maxHeaderBytes < 1000 || maxHeaders < 1) {
            throw new IllegalArgumentException("MIME limits too small: depth " + maxDepth + ", parts " + maxParts
                    + ", header bytes " + maxHeaderBytes + ", headers " + maxHeaders);
        }
    }

    /** Reads the {@code mailgrid.mime.*} settings. */
    public static MimeLimits from(MailgridConfig config) {
        long headerBytes = config.bytes(MailgridConfig.MIME_MAX_HEADER_SIZE);
        if (headerBytes < 1000 || headerBytes > Integer.MAX_VALUE) {
            throw new ConfigException(MailgridConfig.MIME_MAX_HEADER_SIZE + ": must be between 1000 bytes and 2GB, got "
                    + config.string(MailgridConfig.MIME_MAX_HEADER_SIZE));
        }
        return new MimeLimits(config.integer(MailgridConfig.MIME_MAX_DEPTH, 1),
                config.integer(MailgridConfig.MIME_MAX_PARTS, 1), (int) headerBytes,
                config.integer(MailgridConfig.MIME_MAX_HEADERS, 1));
    }
}
