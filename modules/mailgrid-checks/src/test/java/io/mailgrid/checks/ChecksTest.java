package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/** The check registry: the chain from the routes, availability, and start-up failures. */
class ChecksTest {

    @TempDir
    Path dir;

    @Test
    void theShippedRoutesShouldRunClamdThenAttachmentPolicyThenContentRules() {
        Checks checks = Checks.fromConfig(Mails.config(dir, Map.of()));

        assertThat(checks.chain()).containsExactly("clamd", "attachment-policy", "content-rules");
        assertThat(checks.steps()).extracting(CheckStep::beanName).contains("check-clamd", "check-virus-scan",
                "check-attachment-policy", "check-content-rules", "check-pass-all");
        assertThat(checks.chainAvailable()).isTrue();
    }

    @Test
    void aScannerNotInstalledShouldMakeTheChainUnavailableWithTheReason() {
        Checks checks = Checks.fromConfig(Mails.config(dir, Map.of(MailgridConfig.VIRUS_SCAN_COMMAND, "not-installed-scan -",
                MailgridConfig.ROUTES_DIR, TestHome.execScannerRoutes().toString())));

        assertThat(checks.chainAvailable()).isFalse();
        assertThat(checks.unavailableInChain()).containsOnlyKeys("virus-scan");
        assertThat(checks.unavailableInChain().get("virus-scan").reason()).isEqualTo("not-installed-scan not found on PATH");
        checks.logStatus();
    }

    @Test
    void aClamdThatCannotBeReachedShouldMakeTheShippedChainUnavailableWithTheReason() {
        Path socket = dir.resolve("no-clamd.sock");
        Checks checks = Checks.fromConfig(Mails.config(dir, Map.of(MailgridConfig.CLAMD_ADDRESS, "unix:" + socket)));

        assertThat(checks.unavailableInChain()).containsOnlyKeys("clamd");
        assertThat(checks.unavailableInChain().get("clamd").reason()).startsWith("cannot connect to clamd at unix:" + socket);
    }

    @Test
    void aCheckTheRoutesUseThatCannotStartShouldFailStartUpButAnUnusedOneOnlyBeReported() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("policy.xml"), Files.readString(TestHome.routes().resolve("policy.xml"))
                .replace("<process ref=\"check-content-rules\"/>", ""));
        Map<String, String> badRules = Map.of(MailgridConfig.CONTENT_RULES_FILE, dir.resolve("missing.txt").toString());

        assertThatThrownBy(() -> Checks.fromConfig(Mails.config(dir, badRules))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(MailgridConfig.CONTENT_RULES_FILE);

        Map<String, String> withoutContentRules = new java.util.HashMap<>(badRules);
        withoutContentRules.put(MailgridConfig.ROUTES_DIR, routes.toString());
        Checks checks = Checks.fromConfig(Mails.config(dir, withoutContentRules));
        assertThat(checks.chain()).containsExactly("clamd", "attachment-policy");
        assertThat(checks.statuses().get("content-rules").available()).isFalse();
        assertThat(checks.chainAvailable()).isTrue();
    }
}
