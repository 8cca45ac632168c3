package io.mailgrid.checks;

import java.nio.file.Path;
import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;

/**
 * The settings of {@code check:content-rules} ({@code mailgrid.content-rules.*}).
 *
 * @param file the rules file (its content is policy too: the config hash covers it)
 */
public record ContentRulesSettings(Path file) {

    /** The rules file, relative to the Mailgrid home. */
    public static final String FILE = "mailgrid.content-rules.file";

    /** The keys; all policy. */
    public static final List<Setting> SETTINGS = List.of(Setting.policy(FILE));

    /** Reads the settings. */
    public static ContentRulesSettings from(MailgridConfig config) {
        return new ContentRulesSettings(Path.of(config.string(FILE)));
    }
}
