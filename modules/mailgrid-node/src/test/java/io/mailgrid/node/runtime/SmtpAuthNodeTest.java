package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.PythonSmtpAuthClient;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestCertificates;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * SMTP ingress for clients outside the allowed networks: STARTTLS, then AUTH PLAIN or LOGIN, then
 * mail, from Python's smtplib trusting only the node's certificate. Every shortcut an outsider
 * might try gets a clear refusal: mail without AUTH (530), AUTH before STARTTLS (538, so no
 * password crosses the network in the clear), a wrong password (535).
 *
 * <p>The test client connects from 127.0.0.1, which the allowed networks here leave out, so it is
 * treated exactly as a client on another machine.
 */
class SmtpAuthNodeTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-submission-password";

    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static int smtpPort;
    static TestNode node;

    @BeforeAll
    static void startNodeWithSubmission() throws Exception {
        certificates = TestCertificates.generate(dir);
        String hash = PasswordMaskingUtil.getHashProcessor().hash(PASSWORD);
        Path users = Files.writeString(dir.resolve("smtp-users.properties"),
                "# name = password hash (./mailgrid hash-password)\n" + USER + " = " + hash + "\n");
        smtpPort = TestHome.freePort();
        node = TestNode.start(dir.resolve("node"), Map.of(
                IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort),
                IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "192.0.2.0/24",
                "mailgrid.smtp.tls.key-store", certificates.keyStore().toString(),
                "mailgrid.smtp.tls.key-store-password", certificates.password(),
                "mailgrid.smtp.auth.users-file", users.toString()));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aClientFromAnotherNetworkShouldSendAfterStarttlsAndAuthWithPlainOrLogin() throws Exception {
        int before = node.outbox().count();
        for (String mechanism : List.of("PLAIN", "LOGIN")) {
            Path mail = Files.write(dir.resolve(mechanism + ".eml"), TestMail.to("bob@example.com").subject("via " + mechanism).bytes());

            PythonSmtpAuthClient.Result result = PythonSmtpAuthClient.send(smtpPort, certificates.certificate(), mechanism,
                    USER, PASSWORD, "alice@example.com", List.of("bob@example.com"), mail);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("AUTH 235");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> node.outbox().count() == before + 2);
    }

    @Test
    void aWrongPasswordShouldHear535AndSendNothing() throws Exception {
        Path mail = Files.write(dir.resolve("wrong.eml"), TestMail.to("bob@example.com").bytes());

        PythonSmtpAuthClient.Result result = PythonSmtpAuthClient.send(smtpPort, certificates.certificate(), "PLAIN",
                USER, "guessed", "alice@example.com", List.of("bob@example.com"), mail);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(3);
        assertThat(result.output()).contains("SMTP 535");
    }

    @Test
    void mailWithoutAuthShouldHear530AndAuthBeforeStarttlsShouldHear538() {
        try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
            assertThat(smtp.greeting()).startsWith("220");
            assertThat(smtp.send("EHLO client.example.net")).contains("STARTTLS");
            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("530 5.7.0");
            String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.send("AUTH PLAIN " + plain)).startsWith("538 5.7.11");
            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).as("still not authenticated").startsWith("530");
        }
    }
}
