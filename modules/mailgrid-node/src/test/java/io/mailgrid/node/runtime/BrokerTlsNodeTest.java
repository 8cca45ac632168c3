package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.testing.TestCertificates;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A whole node with TLS on its embedded broker: the routes, heartbeats and the command line
 * (submit, and status through management messages) all speak TLS with the test's key pair.
 */
class BrokerTlsNodeTest {

    @TempDir
    Path dir;

    @Test
    void aNodeAndTheCommandLineShouldWorkOverTls() throws Exception {
        TestCertificates certificates = TestCertificates.generate(dir);
        Map<String, String> tls = Map.of(
                CoreSettingsCatalog.BROKER_TLS_ENABLED, "true",
                BrokerSettingsCatalog.BROKER_TLS_KEY_STORE, certificates.keyStore().toString(),
                BrokerSettingsCatalog.BROKER_TLS_KEY_STORE_PASSWORD, certificates.password(),
                CoreSettingsCatalog.BROKER_TLS_TRUST_STORE, certificates.trustStore().toString(),
                CoreSettingsCatalog.BROKER_TLS_TRUST_STORE_PASSWORD, certificates.password());
        try (TestNode a = TestNode.start(dir.resolve("a"), tls)) {
            StringBuilder settings = new StringBuilder(Files.readString(TestHome.path().resolve("config/mailgrid.properties")));
            tls.forEach((key, value) -> settings.append('\n').append(key).append('=').append(value));
            Path config = Files.writeString(dir.resolve("tls.properties"), settings + "\n", StandardCharsets.UTF_8);
            Path mail = Files.write(dir.resolve("mail.eml"), TestMail.to("bob@example.com").bytes());

            TestNode.runCommand("submit", "--node", "a", "--config", config.toString(), "--broker", a.brokerUrl(), mail.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> a.outbox().count() == 1);
            assertThat(TestNode.runCommand("status", "--config", config.toString(), "--broker", a.brokerUrl()))
                    .contains("mailgrid.mailbox.a");
        }
    }
}
