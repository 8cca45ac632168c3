package io.mailgrid.node.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.checks.ContentRulesSettings;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/**
 * Where Mailgrid's shipped files live (routes/, broker-config/, config/) and how the settings
 * are loaded from there.
 *
 * <p>The home is the system property {@code mailgrid.home} (the launcher sets it to the checkout),
 * else the working directory. Relative paths of shipped files are resolved against it; the data
 * directory stays relative to the working directory.
 */
public final class MailgridHome {

    /** System property naming the Mailgrid home. */
    public static final String HOME_PROPERTY = "mailgrid.home";

    private final Path home;

    public MailgridHome(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** The home from {@code -Dmailgrid.home}, else the working directory. */
    public static MailgridHome fromSystem() {
        return new MailgridHome(Path.of(System.getProperty(HOME_PROPERTY, ".")));
    }

    /** The home directory. */
    public Path path() {
        return home;
    }

    /** The shipped, documented properties file. */
    public Path defaultConfigFile() {
        return home.resolve("config/mailgrid.properties");
    }

    /**
     * Loads the settings: the properties file (or the shipped one when {@code file} is null), then
     * environment, system properties and the given overrides; shipped-file paths made absolute.
     */
    public MailgridConfig load(Path file, Map<String, String> overrides) {
        MailgridConfig config = MailgridConfig.load(file == null ? defaultConfigFile() : file,
                SettingsCatalog.all().stream().map(Setting::key).toList(), System.getenv(), System.getProperties(),
                overrides);
        Map<String, String> absolute = new LinkedHashMap<>();
        for (String key : new String[] {CoreSettingsCatalog.ROUTES_DIR, BrokerSettingsCatalog.BROKER_CONFIG, ContentRulesSettings.FILE,
                BrokerSettingsCatalog.BROKER_TLS_KEY_STORE, CoreSettingsCatalog.BROKER_TLS_TRUST_STORE, IngressSettingsCatalog.SMTP_TLS_KEY_STORE,
                IngressSettingsCatalog.SMTP_AUTH_USERS_FILE}) {
            if (config.isSet(key)) {
                absolute.put(key, home.resolve(config.string(key)).normalize().toString());
            }
        }
        return config.with(absolute);
    }
}
