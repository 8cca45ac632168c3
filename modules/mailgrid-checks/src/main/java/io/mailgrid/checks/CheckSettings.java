package io.mailgrid.checks;

import java.util.ArrayList;
import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/**
 * The settings of the checks module: every key a check reads, all of them policy (they decide how
 * mail is judged). A step in the routes may override a check's own keys ({@link CheckKind}).
 */
public final class CheckSettings implements SettingsCatalog {

    /** Domains of this organisation, for the inbound/outbound/internal conditions of the policy routes. */
    public static final String LOCAL_DOMAINS = "mailgrid.local-domains";

    static final List<Setting> CLAMD = List.of(
            // where clamd runs and how long to wait for it is this node's surroundings; what it may scan is policy
            Setting.node(MailgridConfig.CLAMD_ADDRESS), Setting.node(MailgridConfig.CLAMD_TIMEOUT),
            Setting.node(MailgridConfig.CLAMD_CONNECT_TIMEOUT), Setting.node(MailgridConfig.CLAMD_POOL_SIZE),
            Setting.policy(MailgridConfig.CLAMD_STREAM_MAX_LENGTH));
    static final List<Setting> VIRUS_SCAN = List.of(Setting.node(MailgridConfig.VIRUS_SCAN_COMMAND),
            Setting.node(MailgridConfig.VIRUS_SCAN_TIMEOUT), Setting.policy(MailgridConfig.VIRUS_SCAN_FOUND_PATTERN));
    static final List<Setting> ATTACHMENT_POLICY = List.of(Setting.policy(MailgridConfig.ATTACHMENT_BLOCKED_EXTENSIONS),
            Setting.policy(MailgridConfig.ATTACHMENT_BLOCKED_TYPES), Setting.policy(MailgridConfig.ATTACHMENT_MAX_SIZE),
            Setting.policy(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_ENTRIES),
            Setting.policy(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_SIZE),
            Setting.policy(MailgridConfig.ATTACHMENT_ARCHIVE_MAX_DEPTH),
            Setting.policy(MailgridConfig.ATTACHMENT_BLOCK_UNREADABLE_ARCHIVES));
    static final List<Setting> CONTENT_RULES = List.of(Setting.policy(MailgridConfig.CONTENT_RULES_FILE));
    static final List<Setting> SIZE_LIMIT = List.of(Setting.policy(SizeLimit.MAX_SIZE));
    /** Limits of the MIME reader shared by attachment-policy and content-rules: not per step. */
    static final List<Setting> MIME = List.of(Setting.policy(MailgridConfig.MIME_MAX_DEPTH),
            Setting.policy(MailgridConfig.MIME_MAX_PARTS), Setting.policy(MailgridConfig.MIME_MAX_HEADER_SIZE),
            Setting.policy(MailgridConfig.MIME_MAX_HEADERS));

    @Override
    public List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        for (CheckKind kind : CheckKind.values()) {
            all.addAll(kind.settings());
        }
        all.addAll(MIME);
        all.add(Setting.policy(LOCAL_DOMAINS));
        return all;
    }
}
