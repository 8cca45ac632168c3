package io.mailgrid.checks;

import java.util.ArrayList;
import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/**
 * The settings of the checks module: every key a check reads, all of them policy (they decide how
 * mail is judged). A step in the routes may override a check's own keys ({@link CheckKind}).
 */
public final class CheckSettings implements SettingsCatalog {

    /** Domains of this organisation, for the inbound/outbound/internal conditions of the policy routes. */
    public static final String LOCAL_DOMAINS = "mailgrid.local-domains";

    static final List<Setting> CLAMD = ClamdSettings.SETTINGS;
    static final List<Setting> VIRUS_SCAN = VirusScanSettings.SETTINGS;
    static final List<Setting> ATTACHMENT_POLICY = AttachmentPolicySettings.SETTINGS;
    static final List<Setting> CONTENT_RULES = ContentRulesSettings.SETTINGS;
    static final List<Setting> SIZE_LIMIT = List.of(Setting.policy(SizeLimit.MAX_SIZE));
    /** Limits of the MIME reader shared by attachment-policy and content-rules: not per step. */
    static final List<Setting> MIME = MimeLimits.SETTINGS;

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
