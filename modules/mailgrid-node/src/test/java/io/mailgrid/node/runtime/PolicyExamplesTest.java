package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.Message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.CheckSettings;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Queues;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The four example policies of routes/examples/, each loaded as routes/policy.xml by a real node,
 * with real mail sent over SMTP: what is delivered, tagged or quarantined, and which check
 * instances ran.
 */
class PolicyExamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] EXE = {'M', 'Z', 0, 0};

    @TempDir
    Path dir;

    @Test
    void scanEverythingShouldScanMailOfEveryDirection() throws Exception {
        try (Example a = Example.start(dir, "scan-everything.xml", Map.of())) {
            a.send("eve@outside.example", "bob@example.com", TestMail.to("bob@example.com").subject("in"));
            a.send("bob@example.com", "eve@outside.example", TestMail.to("eve@outside.example").subject("out"));
            a.send("bob@example.com", "carol@example.com", TestMail.to("carol@example.com").subject("internal"));
            a.send("eve@outside.example", "bob@example.com",
                    TestMail.to("bob@example.com").subject("tool").attachment("setup.exe", EXE));

            a.awaitDelivered(3);
            assertThat(a.delivered("in").stamp("Checks")).contains("clamd,attachment-policy");
            assertThat(a.delivered("out").stamp("Checks")).contains("clamd,attachment-policy");
            assertThat(a.delivered("internal").stamp("Checks")).contains("clamd,attachment-policy");
            assertThat(a.quarantined(1).get(0).getStringProperty("mailgrid_reason")).startsWith("attachment-policy: ")
                    .contains("setup.exe");
        }
    }

    @Test
    void executablesShouldBeBlockedInInboundMailExceptFromThePartnerDomain() throws Exception {
        try (Example a = Example.start(dir, "block-executables-inbound.xml", Map.of())) {
            a.send("eve@outside.example", "bob@example.com",
                    TestMail.to("bob@example.com").subject("from outside").attachment("invoice.exe", EXE));
            a.send("ann@partner.example", "bob@example.com",
                    TestMail.to("bob@example.com").subject("from partner").attachment("tool.exe", EXE));
            a.send("ann@eu.partner.example", "bob@example.com",
                    TestMail.to("bob@example.com").subject("from partner subdomain").attachment("tool.exe", EXE));
            a.send("bob@example.com", "eve@outside.example",
                    TestMail.to("eve@outside.example").subject("outbound").attachment("tool.exe", EXE));

            a.awaitDelivered(3);
            assertThat(a.delivered("from partner").stamp("Checks")).hasValue("clamd");
            assertThat(a.delivered("from partner subdomain")).isNotNull();
            assertThat(a.delivered("outbound").stamp("Checks")).hasValue("clamd");
            Message blocked = a.quarantined(1).get(0);
            assertThat(blocked.getStringProperty("mailgrid_reason")).startsWith("no-executables: ").contains("invoice.exe");
            assertThat(blocked.getStringProperty("mailgrid_checks")).isEqualTo("clamd,no-executables");
            assertThat(blocked.getStringProperty("mailgrid_required"))
                    .as("conditional instances are required too").isEqualTo("clamd,no-executables");
        }
    }

    @Test
    void theConfidentialRulesShouldRunOnOutboundMailOnly() throws Exception {
        try (Example a = Example.start(dir, "confidential-outbound.xml", Map.of())) {
            a.send("bob@example.com", "eve@outside.example",
                    TestMail.to("eve@outside.example").subject("plans").body("Company Confidential: the plans\r\n"));
            a.send("bob@example.com", "carol@example.com",
                    TestMail.to("carol@example.com").subject("internal plans").body("Company Confidential: the plans\r\n"));
            a.send("eve@outside.example", "bob@example.com",
                    TestMail.to("bob@example.com").subject("inbound plans").body("Company Confidential: the plans\r\n"));
            a.send("bob@example.com", "eve@outside.example", TestMail.to("eve@outside.example").subject("harmless"));

            a.awaitDelivered(3);
            assertThat(a.delivered("internal plans").stamp("Checks")).hasValue("clamd,content-rules");
            assertThat(a.delivered("inbound plans").stamp("Checks")).hasValue("clamd,content-rules");
            assertThat(a.delivered("harmless").stamp("Checks")).hasValue("clamd,content-rules,confidential");
            Message held = a.quarantined(1).get(0);
            assertThat(held.getStringProperty("mailgrid_verdict")).isEqualTo("CONTENT_VIOLATION");
            assertThat(held.getStringProperty("mailgrid_reason")).startsWith("confidential: ").contains("confidential");
        }
    }

    @Test
    void inboundMailOverTheSizeShouldBeDeliveredTaggedNotQuarantined() throws Exception {
        // the example's 10MB lowered to 64KB: the same steps, without pushing 11 MB through SMTP twice
        try (Example a = Example.start(dir, "tag-large-inbound.xml", Map.of(), "maxSize=10MB", "maxSize=64KB")) {
            byte[] big = new byte[100 << 10];
            Arrays.fill(big, (byte) 'x');
            for (int i = 76; i < big.length - 1; i += 78) {
                big[i] = '\r';
                big[i + 1] = '\n';
            }
            big[big.length - 2] = '\r';
            big[big.length - 1] = '\n';
            a.send("eve@outside.example", "bob@example.com", TestMail.to("bob@example.com").subject("big in").body(big));
            a.send("bob@example.com", "eve@outside.example", TestMail.to("eve@outside.example").subject("big out").body(big));
            a.send("eve@outside.example", "bob@example.com", TestMail.to("bob@example.com").subject("small in"));

            a.awaitDelivered(3);
            Maildir.Delivered tagged = a.delivered("[LARGE] big in");
            assertThat(tagged.stamp("Tag")).hasValue("large");
            assertThat(tagged.stamp("Verdict")).hasValue("CLEAN");
            assertThat(tagged.stamp("Checks")).hasValue("clamd,large-inbound,attachment-policy");
            assertThat(a.delivered("big out").stamp("Tag")).isEmpty();
            assertThat(a.delivered("small in").stamp("Tag")).isEmpty();
            assertThat(a.node.depth(Queues.QUARANTINE)).isZero();
        }
    }

    /** A node on the shipped routes with routes/examples/NAME as its policy.xml, and its SMTP port. */
    private record Example(TestNode node, int smtpPort) implements AutoCloseable {

        static Example start(Path dir, String example, Map<String, String> overrides, String... replacements)
                throws Exception {
            Path routes = Files.createDirectories(dir.resolve("routes"));
            try (var files = Files.list(TestHome.routes())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, routes.resolve(file.getFileName()));
                }
            }
            // relative paths start at the Mailgrid home; this JVM runs in the module directory
            String policy = Files.readString(TestHome.routes().resolve("examples").resolve(example), StandardCharsets.UTF_8)
                    .replace("file=routes/", "file=" + TestHome.path().resolve("routes") + "/");
            for (int i = 0; i < replacements.length; i += 2) {
                assertThat(policy).contains(replacements[i]);
                policy = policy.replace(replacements[i], replacements[i + 1]);
            }
            Files.writeString(routes.resolve("policy.xml"), policy, StandardCharsets.UTF_8);
            int smtpPort = TestHome.freePort();
            Map<String, String> settings = new HashMap<>(overrides);
            settings.put(CoreSettingsCatalog.ROUTES_DIR, routes.toString());
            settings.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort));
            settings.put(CheckSettings.LOCAL_DOMAINS, "example.com");
            return new Example(TestNode.start(dir, settings), smtpPort);
        }

        void send(String from, String to, TestMail mail) {
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO client.example.net");
                assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<" + to + ">")).startsWith("250");
                assertThat(smtp.data(mail.from(from).bytes())).startsWith("250");
            }
        }

        void awaitDelivered(int count) {
            await().atMost(WAIT).until(() -> node.outbox().count() >= count);
        }

        Maildir.Delivered delivered(String subject) {
            Optional<Maildir.Delivered> found = node.outbox().mails().stream()
                    .filter(m -> m.header("Subject").filter(subject::equals).isPresent()).findFirst();
            assertThat(found).as("delivered: " + subject).isPresent();
            return found.get();
        }

        List<Message> quarantined(int count) {
            List<Message> held = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Message message = node.receive(Queues.QUARANTINE, WAIT.toMillis());
                assertThat(message).as("quarantined mail " + (i + 1) + " of " + count).isNotNull();
                held.add(message);
            }
            return held;
        }

        @Override
        public void close() {
            node.close();
        }
    }
}
