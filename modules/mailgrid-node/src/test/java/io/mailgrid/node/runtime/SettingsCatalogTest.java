package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.mailgrid.checks.ContentRulesSettings;
import io.mailgrid.cluster.ConfigHash;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.TestHome;

/** The shipped properties file and the modules' settings catalogs name the same keys, each owned once. */
class SettingsCatalogTest {

    /** A key line, set or commented out as an alternative. */
    private static final Pattern KEY = Pattern.compile("^#?\\s*(mailgrid\\.[a-z0-9.-]+)=", Pattern.MULTILINE);

    private static Set<String> shippedKeys() throws Exception {
        String text = Files.readString(TestHome.path().resolve("config/mailgrid.properties"));
        Set<String> keys = new TreeSet<>();
        Matcher matcher = KEY.matcher(text);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        return keys;
    }

    private static Map<String, Integer> declarations() {
        Map<String, Integer> count = new HashMap<>();
        for (Setting setting : SettingsCatalog.all()) {
            count.merge(setting.key(), 1, Integer::sum);
        }
        return count;
    }

    @Test
    void everyShippedKeyShouldBeDeclaredByExactlyOneModule() throws Exception {
        Map<String, Integer> declared = declarations();
        Set<String> undeclared = new TreeSet<>();
        for (String key : shippedKeys()) {
            if (!declared.containsKey(key)) {
                undeclared.add(key);
            }
        }
        assertThat(undeclared).as("keys in config/mailgrid.properties no module declares").isEmpty();
        assertThat(declared).as("keys declared by more than one module").allSatisfy((key, times) -> assertThat(times)
                .as(key).isEqualTo(1));
    }

    @Test
    void everyDeclaredKeyShouldBeInTheShippedPropertiesFile() throws Exception {
        Set<String> shipped = shippedKeys();
        Set<String> missing = new TreeSet<>(declarations().keySet());
        missing.removeAll(shipped);
        assertThat(missing).as("declared keys without a line (set or commented) in config/mailgrid.properties").isEmpty();
    }

    @Test
    void perNodeTuningShouldNotCountAsPolicyDrift() {
        Map<String, String> node = new HashMap<>(Map.of(ContentRulesSettings.FILE, "rules.txt",
                CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "256MB", NodeSettingsCatalog.LARGE_MAIL_SIZE, "1MB",
                NodeSettingsCatalog.LARGE_MAIL_CONSUMERS, "1", IngressSettingsCatalog.SMTP_PORT, "2525"));
        Map<String, String> tuned = new HashMap<>(node);
        tuned.put(CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "2GB");
        tuned.put(NodeSettingsCatalog.LARGE_MAIL_SIZE, "4MB");
        tuned.put(NodeSettingsCatalog.LARGE_MAIL_CONSUMERS, "3");
        tuned.put(IngressSettingsCatalog.SMTP_PORT, "25");
        Map<String, String> otherPolicy = new HashMap<>(node);
        otherPolicy.put(ContentRulesSettings.FILE, "other-rules.txt");

        assertThat(hash(tuned)).isEqualTo(hash(node));
        assertThat(hash(otherPolicy)).isNotEqualTo(hash(node));
    }

    @Test
    void aKeyNoModuleDeclaresShouldCountAsPolicySoDriftIsNeverHidden() {

        assertThat(hash(Map.of("mailgrid.some-new-check.level", "1")))
                .isNotEqualTo(hash(Map.of("mailgrid.some-new-check.level", "2")));
    }

    /** The hash of one empty routes file as loaded, no step files, and these settings. */
    private static String hash(Map<String, String> settings) {
        return ConfigHash.of("<routes/>", List.of(), settings);
    }
}
