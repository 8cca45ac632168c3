package io.mailgrid.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.mailgrid.cluster.ConfigHash;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;
import io.mailgrid.testing.TestHome;

/** The shipped properties file and the modules' settings catalogs name the same keys, each owned once. */
class SettingsCatalogTest {

    /** A key line, set or commented out as an alternative. */
    private static final Pattern KEY = Pattern.compile("^#?\\s*(mailgrid\\.[a-z0-9.-]+)=", Pattern.MULTILINE);

    /**
     * The policy checks' keys are declared by mailgrid-checks' own catalog (issue 14, "Policy in
     * XML"); until it is on the class path they count as policy by default and are not required here.
     */
    private static final List<String> CHECK_PREFIXES = List.of("mailgrid.virus-scan.", "mailgrid.clamd.",
            "mailgrid.attachment-policy.", "mailgrid.content-rules.", "mailgrid.mime.");

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
            if (!declared.containsKey(key) && CHECK_PREFIXES.stream().noneMatch(key::startsWith)) {
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
    void perNodeTuningShouldNotCountAsPolicyDrift(@org.junit.jupiter.api.io.TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("policy.xml"), "<routes/>");
        Map<String, String> node = new HashMap<>(Map.of(MailgridConfig.CONTENT_RULES_FILE, "rules.txt",
                MailgridConfig.MEMORY_MAIL_BUDGET, "256MB", MailgridConfig.LARGE_MAIL_SIZE, "1MB",
                MailgridConfig.LARGE_MAIL_CONSUMERS, "1", MailgridConfig.SMTP_PORT, "2525"));
        Map<String, String> tuned = new HashMap<>(node);
        tuned.put(MailgridConfig.MEMORY_MAIL_BUDGET, "2GB");
        tuned.put(MailgridConfig.LARGE_MAIL_SIZE, "4MB");
        tuned.put(MailgridConfig.LARGE_MAIL_CONSUMERS, "3");
        tuned.put(MailgridConfig.SMTP_PORT, "25");
        Map<String, String> otherPolicy = new HashMap<>(node);
        otherPolicy.put(MailgridConfig.CONTENT_RULES_FILE, "other-rules.txt");

        assertThat(ConfigHash.of(routes, tuned)).isEqualTo(ConfigHash.of(routes, node));
        assertThat(ConfigHash.of(routes, otherPolicy)).isNotEqualTo(ConfigHash.of(routes, node));
    }

    @Test
    void aKeyNoModuleDeclaresShouldCountAsPolicySoDriftIsNeverHidden(@org.junit.jupiter.api.io.TempDir Path routes)
            throws Exception {
        Files.writeString(routes.resolve("policy.xml"), "<routes/>");

        assertThat(ConfigHash.of(routes, Map.of("mailgrid.some-new-check.level", "1")))
                .isNotEqualTo(ConfigHash.of(routes, Map.of("mailgrid.some-new-check.level", "2")));
    }
}
