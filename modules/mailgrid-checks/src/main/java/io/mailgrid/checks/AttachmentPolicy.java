package io.mailgrid.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * The attachment policy ({@code check:attachment-policy}): blocked file extensions and MIME types,
 * also inside archives (nested, found by content), TNEF winmail.dat and uuencoded files in text,
 * and a maximum decoded size per part.
 *
 * <p>Parameters (keys in config/mailgrid.properties):
 * <ul>
 * <li>{@code mailgrid.attachment-policy.blocked-extensions} optional, comma-separated list, without dots</li>
 * <li>{@code mailgrid.attachment-policy.blocked-types} optional, comma-separated MIME types, {@code type/*} allowed</li>
 * <li>{@code mailgrid.attachment-policy.max-size} required size, largest decoded part</li>
 * <li>{@code mailgrid.attachment-policy.archive-max-entries}, {@code archive-max-size} required: the
 *     one {@link UnpackBudget} of each mail, all its archives together</li>
 * <li>{@code mailgrid.attachment-policy.archive-max-depth} required, at least 1: archives inside archives</li>
 * <li>{@code mailgrid.attachment-policy.block-unreadable-archives} required boolean</li>
 * <li>{@code mailgrid.mime.*} the {@link MimeLimits}</li>
 * </ul>
 *
 * <p>Verdicts: BLOCKED_ATTACHMENT with the part and the rule in the reason; UNPARSEABLE when the
 * MIME structure cannot be read within the limits. Each part is decoded once; to look into it as
 * an archive it is held in memory, within the mail's budget: a mail's archives may hold at most
 * the mail's own size (at least {@value #MIN_ARCHIVE_MEMORY} bytes) at once. Nothing is written to disk.
 */
public final class AttachmentPolicy implements Check {

    /** The check's name in routes/policy.xml ({@code check:attachment-policy}) and in stamps. */
    public static final String NAME = "attachment-policy";

    /** Memory a small mail's archives may hold at once, so a small zip inside a small zip can be opened. */
    static final long MIN_ARCHIVE_MEMORY = 4L << 20;
    /** Uuencoded files looked for in one text part. */
    private static final int MAX_UUENCODED = 100;

    private final BlockedNames blocked;
    private final long maxSize;
    private final long archiveMaxSize;
    private final int archiveMaxEntries;
    private final ArchiveInspector archives;
    private final boolean blockUnreadableArchives;
    private final MimeLimits limits;
    private final String description;

    /**
     * @param blockedExtensions       extensions that block a part, without dots
     * @param blockedTypes            MIME types that block a part; {@code type/*} blocks a whole type
     * @param maxSize                 largest decoded size of one part, bytes
     * @param archiveMaxEntries       entries read from all archives of a mail before it counts as unreadable
     * @param archiveMaxSize          bytes unpacked from all archives of a mail before it counts as unreadable
     * @param archiveMaxDepth         archives inside archives looked into (1 = the attachment only)
     * @param blockUnreadableArchives whether an archive that cannot be looked into blocks the mail
     * @param limits                  bounds on the MIME structure
     */
    public AttachmentPolicy(List<String> blockedExtensions, List<String> blockedTypes, long maxSize,
            int archiveMaxEntries, long archiveMaxSize, int archiveMaxDepth, boolean blockUnreadableArchives,
            MimeLimits limits) {
        if (maxSize < 1 || archiveMaxSize < 1 || archiveMaxEntries < 1 || archiveMaxDepth < 1) {
            throw new IllegalArgumentException("attachment-policy limits must be positive");
        }
        this.blocked = new BlockedNames(blockedExtensions, blockedTypes);
        this.maxSize = maxSize;
        this.archiveMaxSize = archiveMaxSize;
        this.archiveMaxEntries = archiveMaxEntries;
        this.archives = new ArchiveInspector(blocked, archiveMaxDepth);
        this.blockUnreadableArchives = blockUnreadableArchives;
        this.limits = limits;
        this.description = NAME + " (" + blockedExtensions.size() + " blocked extensions, " + blockedTypes.size()
                + " blocked types, parts up to " + Sizes.format(maxSize) + ", per mail at most " + archiveMaxEntries
                + " archive entries and " + Sizes.format(archiveMaxSize) + " unpacked, " + archives
                + (blockUnreadableArchives ? ", unreadable archives blocked)" : ", unreadable archives allowed)");
    }

    /** Reads the {@code mailgrid.attachment-policy.*} and {@code mailgrid.mime.*} settings. */
    public static AttachmentPolicy from(MailgridConfig config) {
        AttachmentPolicySettings settings = AttachmentPolicySettings.from(config);
        return new AttachmentPolicy(settings.blockedExtensions(), settings.blockedTypes(), settings.maxSize(),
                settings.archiveMaxEntries(), settings.archiveMaxSize(), settings.archiveMaxDepth(),
                settings.blockUnreadableArchives(), MimeLimits.from(config));
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
        UnpackBudget budget = new UnpackBudget(archiveMaxSize, archiveMaxEntries,
                Math.max(mail.bytes().length, MIN_ARCHIVE_MEMORY));
        try {
            MimeWalker.walk(mail.bytes(), limits, new MimeWalker.Visitor() {
                @Override
                public boolean part(MimePart part, InputStream content) throws IOException {
                    reason[0] = judge(part, content, budget, mail.bytes());
                    return reason[0] == null;
                }
            });
        } catch (UnparseableMailException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        } catch (InterruptedIOException | InterruptibleText.Interrupted e) {
            throw new CheckFailedException("interrupted before it finished", e);
        } catch (IOException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        }
        return reason[0] == null ? CheckResult.clean() : CheckResult.of(Verdict.BLOCKED_ATTACHMENT, reason[0]);
    }

    private String judge(MimePart part, InputStream content, UnpackBudget budget, byte[] mail) throws IOException {
        String why = blocked.whyBlocked(part.fileName(), part.mimeType());
        if (why != null) {
            return part.label() + " " + why;
        }
        LimitedInputStream limited = new LimitedInputStream(content, maxSize);
        // text is held to find uuencoded files in it; any other part is read through once and read
        // again into memory only if it turns out to be a zip behind a prefix
        try (Spooled decoded = Spooled.read(limited, budget, -1, part.isText() ? null : reread(mail, part.number(), budget))) {
            ArchiveInspector.Finding finding = null;
            if (part.isText() && decoded.content() != null) {
                finding = uuencoded(part, decoded.content(), budget);
            }
            if (finding == null) {
                finding = archives.inspect(part.label(), part.fileName(), decoded, 0, budget);
            }
            if (decoded.rest() != null) {
                // a streamed archive that was not read to its end: the part's size is still to be learned
                decoded.rest().transferTo(OutputStream.nullOutputStream());
            }
            if (finding != null && (finding.kind() == ArchiveInspector.Finding.Kind.BLOCKED || blockUnreadableArchives)) {
                return finding.reason();
            }
            return null;
        } catch (LimitedInputStream.LimitExceededException e) {
            if (e.from(limited)) {
                return part.label() + " is larger than " + Sizes.format(maxSize);
            }
            throw e;
        } catch (UnpackBudget.Exceeded e) {
            if (!blockUnreadableArchives) {
                return null;
            }
            String stopped = e.where() == null ? part.label() : e.where();
            return e.limit() == UnpackBudget.Limit.BYTES
                    ? "the archives of this mail unpack to more than " + Sizes.format(budget.maxBytes())
                            + " (reading stopped in " + stopped + ")"
                    : "the archives of this mail have more than " + budget.maxEntries() + " entries (reading stopped in "
                            + stopped + ")";
        }
    }

    /** Decodes part {@code number} of the mail again, into memory. */
    private Spooled.Reread reread(byte[] mail, int number, UnpackBudget budget) {
        return () -> {
            Spooled[] held = new Spooled[1];
            try {
                MimeWalker.walk(mail, limits, new MimeWalker.Visitor() {
                    @Override
                    public boolean part(MimePart part, InputStream content) throws IOException {
                        if (part.number() != number) {
                            return true;
                        }
                        held[0] = Spooled.hold(new LimitedInputStream(content, maxSize), budget, -1);
                        return false;
                    }
                });
            } catch (UnparseableMailException e) {
                throw new IOException("part " + number + " cannot be read again: " + e.getMessage(), e);
            }
            return held[0];
        };
    }

    /** Files uuencoded into a text part: their names, and their content as an attachment's. */
    private ArchiveInspector.Finding uuencoded(MimePart part, Slice text, UnpackBudget budget) throws IOException {
        for (UuencodedFiles.Found file : UuencodedFiles.find(text, MAX_UUENCODED)) {
            String why = blocked.whyEntryBlocked(file.name());
            if (why != null) {
                return new ArchiveInspector.Finding(ArchiveInspector.Finding.Kind.BLOCKED,
                        part.label() + " has a uuencoded file '" + file.name() + "' that " + why);
            }
            try (Spooled decoded = Spooled.read(new InterruptibleInputStream(UuencodedFiles.decode(text, file)), budget, -1,
                    () -> Spooled.hold(new InterruptibleInputStream(UuencodedFiles.decode(text, file)), budget, -1))) {
                ArchiveInspector.Finding finding = archives.inspect(part.label() + " > '" + file.name() + "'", file.name(),
                        decoded, 0, budget);
                if (finding != null) {
                    return finding;
                }
            } catch (IOException e) {
                if (e instanceof InterruptedIOException || e instanceof UnpackBudget.Exceeded) {
                    throw e;
                }
                // a broken uuencoded block is text, as clients show it
            }
        }
        return null;
    }
}
