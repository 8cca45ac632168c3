package io.mailgrid.checks;

import java.util.List;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;

/**
 * The settings of {@code check:attachment-policy} ({@code mailgrid.attachment-policy.*}); all policy.
 *
 * @param blockedExtensions       file name extensions that block, without dots
 * @param blockedTypes            MIME types that block, {@code type/*} allowed
 * @param maxSize                 largest decoded part, bytes
 * @param archiveMaxEntries       archive entries read in one mail
 * @param archiveMaxSize          bytes unpacked from one mail's archives
 * @param archiveMaxDepth         how deep archives inside archives are opened
 * @param blockUnreadableArchives whether an archive that cannot be looked into blocks the mail
 */
public record AttachmentPolicySettings(List<String> blockedExtensions, List<String> blockedTypes, long maxSize,
        int archiveMaxEntries, long archiveMaxSize, int archiveMaxDepth, boolean blockUnreadableArchives) {

    /** File name extensions that block, comma-separated, without dots. */
    public static final String BLOCKED_EXTENSIONS = "mailgrid.attachment-policy.blocked-extensions";
    /** MIME types that block, comma-separated; {@code type/*} blocks a whole type. */
    public static final String BLOCKED_TYPES = "mailgrid.attachment-policy.blocked-types";
    /** Largest decoded size of one part. */
    public static final String MAX_SIZE = "mailgrid.attachment-policy.max-size";
    /** Archive entries read in one mail, all archives and levels together. */
    public static final String ARCHIVE_MAX_ENTRIES = "mailgrid.attachment-policy.archive-max-entries";
    /** Bytes unpacked from one mail's archives, all together. */
    public static final String ARCHIVE_MAX_SIZE = "mailgrid.attachment-policy.archive-max-size";
    /** Whether an archive that cannot be looked into blocks the mail. */
    public static final String BLOCK_UNREADABLE_ARCHIVES = "mailgrid.attachment-policy.block-unreadable-archives";
    /** How deep archives inside archives are opened; at least 1. */
    public static final String ARCHIVE_MAX_DEPTH = "mailgrid.attachment-policy.archive-max-depth";

    /** The keys; all decide how mail is judged. */
    public static final List<Setting> SETTINGS = List.of(Setting.policy(BLOCKED_EXTENSIONS), Setting.policy(BLOCKED_TYPES),
            Setting.policy(MAX_SIZE), Setting.policy(ARCHIVE_MAX_ENTRIES), Setting.policy(ARCHIVE_MAX_SIZE),
            Setting.policy(ARCHIVE_MAX_DEPTH), Setting.policy(BLOCK_UNREADABLE_ARCHIVES));

    /** Reads the settings; a bad one fails naming its key. */
    public static AttachmentPolicySettings from(MailgridConfig config) {
        long maxSize = config.bytes(MAX_SIZE);
        long archiveMaxSize = config.bytes(ARCHIVE_MAX_SIZE);
        if (maxSize < 1) {
            throw new ConfigException(MAX_SIZE + ": must be at least 1 byte");
        }
        if (archiveMaxSize < 1) {
            throw new ConfigException(ARCHIVE_MAX_SIZE + ": must be at least 1 byte");
        }
        return new AttachmentPolicySettings(config.list(BLOCKED_EXTENSIONS), config.list(BLOCKED_TYPES), maxSize,
                config.integer(ARCHIVE_MAX_ENTRIES, 1), archiveMaxSize, config.integer(ARCHIVE_MAX_DEPTH, 1),
                config.bool(BLOCK_UNREADABLE_ARCHIVES));
    }
}
