package io.mailgrid.checks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * The attachment policy ({@code check-attachment-policy}): blocked file extensions and MIME types,
 * also inside archives one level deep, and a maximum decoded size per part.
 *
 * <p>Parameters (keys in config/mailgrid.properties):
 * <ul>
 * <li>{@code mailgrid.attachment-policy.blocked-extensions} optional, comma-separated list, without dots</li>
 * <li>{@code mailgrid.attachment-policy.blocked-types} optional, comma-separated MIME types, {@code type/*} allowed</li>
 * <li>{@code mailgrid.attachment-policy.max-size} required size, largest decoded part</li>
 * <li>{@code mailgrid.attachment-policy.archive-max-entries}, {@code archive-max-size} required:
 *     when an archive counts as unreadable</li>
 * <li>{@code mailgrid.attachment-policy.block-unreadable-archives} required boolean</li>
 * <li>{@code mailgrid.mime.*} the {@link MimeLimits}</li>
 * </ul>
 *
 * <p>Verdicts: BLOCKED_ATTACHMENT with the part and the rule in the reason; UNPARSEABLE when the
 * MIME structure cannot be read within the limits. Each part is read once as a stream; nothing
 * is kept in memory or written to disk.
 */
public final class AttachmentPolicy implements Check {

    /** The check's name in routes/policy.xml ({@code check-attachment-policy}) and in stamps. */
    public static final String NAME = "attachment-policy";

    private final BlockedNames blocked;
    private final long maxSize;
    private final ArchiveInspector archives;
    private final boolean blockUnreadableArchives;
    private final MimeLimits limits;
    private final String description;

    /**
     * @param blockedExtensions       extensions that block a part, without dots
     * @param blockedTypes            MIME types that block a part; {@code type/*} blocks a whole type
     * @param maxSize                 largest decoded size of one part, bytes
     * @param archiveMaxEntries       entries read from one archive before it counts as unreadable
     * @param archiveMaxSize          bytes unpacked from one archive before it counts as unreadable
     * @param blockUnreadableArchives whether an archive that cannot be looked into blocks the mail
     * @param limits                  bounds on the MIME structure
     */
    public AttachmentPolicy(List<String> blockedExtensions, List<String> blockedTypes, long maxSize,
            int archiveMaxEntries, long archiveMaxSize, boolean blockUnreadableArchives, MimeLimits limits) {
        if (maxSize < 1 || archiveMaxSize < 1 || archiveMaxEntries < 1) {
            throw new IllegalArgumentException("attachment-policy limits must be positive");
        }
        this.blocked = new BlockedNames(blockedExtensions, blockedTypes);
        this.maxSize = maxSize;
        this.archives = new ArchiveInspector(blocked, archiveMaxEntries, archiveMaxSize);
        this.blockUnreadableArchives = blockUnreadableArchives;
        this.limits = limits;
        this.description = NAME + " (" + blockedExtensions.size() + " blocked extensions, " + blockedTypes.size()
                + " blocked types, parts up to " + Sizes.format(maxSize) + ", " + archives
                + (blockUnreadableArchives ? ", unreadable archives blocked)" : ", unreadable archives allowed)");
    }

    /** Reads the {@code mailgrid.attachment-policy.*} and {@code mailgrid.mime.*} settings. */
    public static AttachmentPolicy from(MailgridConfig config) {
        long maxSize = config.bytes(MailgridConfig.ATTACHMENT_MAX_SIZE);
        long archiveMaxSize = config.bytes(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_SIZE);
        if (maxSize < 1) {
            throw new ConfigException(MailgridConfig.ATTACHMENT_MAX_SIZE + ": must be at least 1 byte");
        }
        if (archiveMaxSize < 1) {
            throw new ConfigException(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_SIZE + ": must be at least 1 byte");
        }
        return new AttachmentPolicy(config.list(MailgridConfig.ATTACHMENT_BLOCKED_EXTENSIONS),
                config.list(MailgridConfig.ATTACHMENT_BLOCKED_TYPES), maxSize,
                config.integer(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_ENTRIES, 1), archiveMaxSize,
                config.bool(MailgridConfig.ATTACHMENT_BLOCK_UNREADABLE_ARCHIVES), MimeLimits.from(config));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public CheckResult check(MailUnderCheck mail) throws CheckFailedException {
        String[] reason = new String[1];
        try {
            MimeWalker.walk(mail.bytes(), limits, new MimeWalker.Visitor() {
                @Override
                public boolean part(MimePart part, InputStream content) throws IOException {
                    reason[0] = judge(part, content);
                    return reason[0] == null;
                }
            });
        } catch (UnparseableMailException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        } catch (InterruptedIOException e) {
            throw new CheckFailedException("interrupted before it finished", e);
        } catch (IOException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        }
        return reason[0] == null ? CheckResult.clean() : CheckResult.of(Verdict.BLOCKED_ATTACHMENT, reason[0]);
    }

    private String judge(MimePart part, InputStream content) throws IOException {
        String why = blocked.whyBlocked(part.fileName(), part.mimeType());
        if (why != null) {
            return part.label() + " " + why;
        }
        LimitedInputStream limited = new LimitedInputStream(content, maxSize);
        try {
            BufferedInputStream buffered = new BufferedInputStream(limited, 8192);
            ArchiveInspector.Finding finding = archives.inspect(part.label(), part.fileName(), buffered);
            if (finding != null && (finding.kind() == ArchiveInspector.Finding.Kind.BLOCKED || blockUnreadableArchives)) {
                return finding.reason();
            }
            // read the rest only to learn the part's size
            buffered.transferTo(OutputStream.nullOutputStream());
            return null;
        } catch (LimitedInputStream.LimitExceededException e) {
            if (e.from(limited)) {
                return part.label() + " is larger than " + Sizes.format(maxSize);
            }
            throw e;
        }
    }
}
