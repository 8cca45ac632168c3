package io.mailgrid.checks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;

/**
 * The built-in checks a route step can name ({@code check:<name>}), how each is built from the
 * settings, and which keys of config/mailgrid.properties a step's parameters may override.
 *
 * <p>A step parameter is the key's last part in camelCase: {@code blockedExtensions} overrides
 * {@code mailgrid.attachment-policy.blocked-extensions} for that step alone.
 */
public enum CheckKind {
    /** The ClamAV daemon over its socket (docs/adr/0024). */
    CLAMD(ClamdScan.NAME, ClamdScan::from, CheckSettings.CLAMD),
    /** A command-line scanner through camel-exec. */
    VIRUS_SCAN(VirusScan.NAME, VirusScan::from, CheckSettings.VIRUS_SCAN),
    /** Blocked attachment names and types, also inside archives. */
    ATTACHMENT_POLICY(AttachmentPolicy.NAME, AttachmentPolicy::from, CheckSettings.ATTACHMENT_POLICY),
    /** Keywords and regular expressions from a rules file. */
    CONTENT_RULES(ContentRules.NAME, ContentRules::from, CheckSettings.CONTENT_RULES),
    /** Mail larger than a limit. */
    SIZE_LIMIT(SizeLimit.NAME, SizeLimit::from, CheckSettings.SIZE_LIMIT),
    /** Every mail is clean: a placeholder. */
    PASS_ALL("pass-all", config -> new PassAll(), List.of());

    private final String checkName;
    private final Function<MailgridConfig, Check> factory;
    private final List<Setting> settings;

    CheckKind(String checkName, Function<MailgridConfig, Check> factory, List<Setting> settings) {
        this.checkName = checkName;
        this.factory = factory;
        this.settings = List.copyOf(settings);
    }

    /** The name a step uses ({@code check:<name>}) and the default instance name. */
    public String checkName() {
        return checkName;
    }

    /** Builds the check from these settings; a bad one fails naming its key. */
    public Check build(MailgridConfig config) {
        return factory.apply(config);
    }

    /** The settings keys a step may override, in the order of config/mailgrid.properties. */
    public List<String> keys() {
        return settings.stream().map(Setting::key).toList();
    }

    /** The check's own settings, with their scope. */
    public List<Setting> settings() {
        return settings;
    }

    /** The key a step parameter overrides, if the check has it ({@code blockedExtensions}). */
    public Optional<String> keyOf(String parameter) {
        return keys().stream().filter(key -> parameterOf(key).equals(parameter)).findFirst();
    }

    /** The step parameter for a settings key: its last part in camelCase. */
    public static String parameterOf(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : last.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    /** The parameters a step of this check accepts besides the common ones. */
    public List<String> parameters() {
        return keys().stream().map(CheckKind::parameterOf).toList();
    }

    /** The check a step names. */
    public static Optional<CheckKind> named(String name) {
        return Arrays.stream(values()).filter(kind -> kind.checkName.equals(name)).findFirst();
    }

    /** Every check name, for messages. */
    public static List<String> names() {
        return Arrays.stream(values()).map(CheckKind::checkName).toList();
    }
}
