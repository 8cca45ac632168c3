package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/** The check instances: the chain from the routes as Camel loaded them, availability, and start-up failures. */
class ChecksTest {

    @TempDir
    Path dir;

    private DefaultCamelContext camel;

    @AfterEach
    void close() throws Exception {
        if (camel != null) {
            camel.close();
        }
    }

    @Test
    void theShippedRoutesShouldRunClamdThenAttachmentPolicyThenContentRules() throws Exception {
        Checks checks = load(TestHome.routes(), Map.of());

        assertThat(checks.chain()).containsExactly("clamd", "attachment-policy", "content-rules");
        assertThat(checks.chainAvailable()).isTrue();
        assertThat(PolicyModel.chainOf(TestHome.routes(), new java.util.Properties()))
                .containsExactly("clamd", "attachment-policy", "content-rules");
    }

    @Test
    void aScannerNotInstalledShouldMakeTheChainUnavailableWithTheReason() throws Exception {
        Checks checks = load(TestHome.execScannerRoutes(), Map.of(VirusScanSettings.COMMAND, "not-installed-scan -"));

        assertThat(checks.chainAvailable()).isFalse();
        assertThat(checks.unavailableInChain()).containsOnlyKeys("virus-scan");
        assertThat(checks.unavailableInChain().get("virus-scan").reason()).isEqualTo("not-installed-scan not found on PATH");
        checks.logStatus();
    }

    @Test
    void aClamdThatCannotBeReachedShouldMakeTheShippedChainUnavailableWithTheReason() throws Exception {
        Path socket = dir.resolve("no-clamd.sock");
        Checks checks = load(TestHome.routes(), Map.of(ClamdSettings.ADDRESS, "unix:" + socket));

        assertThat(checks.unavailableInChain()).containsOnlyKeys("clamd");
        assertThat(checks.unavailableInChain().get("clamd").reason()).startsWith("cannot connect to clamd at unix:" + socket);
    }

    @Test
    void aCheckTheRoutesUseThatCannotStartShouldFailStartUpNamingTheKey() {
        Map<String, String> badRules = Map.of(ContentRulesSettings.FILE, dir.resolve("missing.txt").toString());

        assertThatThrownBy(() -> load(TestHome.routes(), badRules)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(ContentRulesSettings.FILE);
    }

    @Test
    void aCheckUsedTwiceShouldBeTwoInstancesEachWithTheParametersBesideIt() throws Exception {
        Path rules = Files.writeString(dir.resolve("confidential.txt"), "top-secret any keyword top secret\n");
        Checks checks = load(policy("""
                <to uri="check:attachment-policy?blockedExtensions=exe"/>
                <to uri="check:content-rules"/>
                <to uri="check:content-rules?id=confidential&amp;file=%s"/>
                """.formatted(rules)), Map.of());

        assertThat(checks.chain()).containsExactly("attachment-policy", "content-rules", "confidential");
        assertThat(checks.steps().get(0).declaration().overrides())
                .containsEntry(AttachmentPolicySettings.BLOCKED_EXTENSIONS, "exe");
        assertThat(checks.get("confidential").orElseThrow().describe()).contains("(1 rules from " + rules);
        assertThat(checks.get("content-rules").orElseThrow().describe()).doesNotContain(rules.toString());
    }

    @Test
    void aMisspelledParameterShouldFailStartUpNamingItAndWhatTheCheckTakes() {
        assertThatThrownBy(() -> load(policy("<to uri=\"check:attachment-policy?blockedExtension=exe\"/>"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("check:attachment-policy: unknown parameter blockedExtension")
                .hasMessageContaining("blockedExtensions");
    }

    @Test
    void aBadParameterValueShouldFailStartUpNamingTheStepAndTheParameter() {
        assertThatThrownBy(() -> load(policy("<to uri=\"check:attachment-policy?id=strict&amp;archiveMaxDepth=0\"/>"),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("check step 'strict'")
                .hasMessageContaining("parameter archiveMaxDepth (" + AttachmentPolicySettings.ARCHIVE_MAX_DEPTH + ")");
    }

    @Test
    void anUnknownCheckShouldFailStartUpListingTheKnownOnes() {
        assertThatThrownBy(() -> load(policy("<to uri=\"check:virusscan\"/>"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("check:virusscan: no such check").hasMessageContaining("virus-scan");
    }

    @Test
    void twoStepsOfOneCheckWithoutTheirOwnIdsShouldFailStartUp() {
        assertThatThrownBy(() -> load(policy("""
                <to uri="check:attachment-policy?blockedExtensions=exe"/>
                <to uri="check:attachment-policy?blockedExtensions=js"/>
                """), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("two different check steps are named 'attachment-policy'");
    }

    @Test
    void aStepNamedAfterAnotherCheckShouldFailStartUpSoThatNoRequiredCheckIsMetByAnImpostor() {
        assertThatThrownBy(() -> load(policy("<to uri=\"check:pass-all?id=clamd\"/>"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("id 'clamd' is the name of another check");
    }

    @Test
    void theOldProcessRefFormShouldFailStartUpSayingWhatToWrite() {
        assertThatThrownBy(() -> load(policy("<process ref=\"check-clamd\"/>"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("write <to uri=\"check:clamd\"/>");
    }

    @Test
    void aTagThatWouldAddAHeaderLineShouldFailStartUp() {
        // a line break in the tag would let the policy (or a placeholder) forge header fields
        assertThatThrownBy(() -> load(policy("<to uri=\"check:pass-all?outcome=tag&amp;tag=x&#13;&#10;Bcc: eve@example.com\"/>"),
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("tag must be printable ASCII");
    }

    @Test
    void aCheckStepInARouteTemplateShouldFailStartUp() {
        assertThatThrownBy(() -> load(write("""
                <routeTemplates xmlns="http://camel.apache.org/schema/spring">
                  <routeTemplate id="t"><templateParameter name="x"/>
                    <route><from uri="direct:{{x}}"/><to uri="check:pass-all"/></route>
                  </routeTemplate>
                </routeTemplates>
                """), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("route template t has a check step");
    }

    /** The routes loaded into a Camel context that does not start, and the checks built from its model. */
    private Checks load(Path routes, Map<String, String> overrides) throws Exception {
        MailgridConfig config = Mails.config(dir, overrides);
        camel = new DefaultCamelContext(false);
        camel.getPropertiesComponent().setInitialProperties(config.asProperties());
        camel.build();
        try (var files = Files.list(routes)) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(files.filter(f -> f.toString().endsWith(".xml"))
                    .map(f -> PluginHelper.getResourceLoader(camel).resolveResource("file:" + f.toAbsolutePath())).toList());
        }
        Checks checks = new Checks(config);
        checks.load(camel);
        return checks;
    }

    private Path policy(String steps) throws Exception {
        return write("""
                <routes xmlns="http://camel.apache.org/schema/spring">
                  <route id="policy-chain"><from uri="direct:policy-chain"/>
                %s
                  </route>
                </routes>
                """.formatted(steps));
    }

    private Path write(String xml) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes-" + System.nanoTime()));
        Files.writeString(routes.resolve("policy.xml"), xml);
        return routes;
    }
}
