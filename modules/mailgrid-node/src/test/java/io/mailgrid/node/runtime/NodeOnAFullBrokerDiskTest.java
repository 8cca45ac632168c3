package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A whole node (in this JVM) started against a broker whose disk is full, as CI's nodes were: it
 * must get through its start instead of waiting for good at its first status, answer SMTP mail with
 * a temporary failure, and stop when asked.
 */
class NodeOnAFullBrokerDiskTest {

    @TempDir
    Path dir;

    @Test
    void aNodeStartingOnABrokerWhoseDiskIsFullShouldStartDefer452AndStop() throws Exception {
        // more than any disk here has free: the broker counts its disk as full from its first scan
        MailgridConfig brokerConfig = TestHome.config("broker", dir, TestHome.freePort(),
                Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB"));
        int smtpPort = TestHome.freePort();
        MailgridConfig nodeConfig = TestHome.config("a", dir, TestHome.freePort(), Map.of(
                CoreSettingsCatalog.BROKER_URL, BrokerConnection.url(brokerConfig),
                CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "1s",
                IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort)));
        try (EmbeddedBroker broker = EmbeddedBroker.start(brokerConfig, dir.resolve("broker"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> broker.server().getPagingManager().isDiskFull());

            long start = System.nanoTime();
            TestNode a = Bounded.call("operator", Duration.ofSeconds(60), () -> TestNode.start(nodeConfig));
            System.out.printf("node start on a full disk took %d ms%n", (System.nanoTime() - start) / 1_000_000);
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort).readTimeout(Duration.ofSeconds(20))) {
                smtp.send("EHLO client");
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("452 4.3.1");
            }
            long stop = System.nanoTime();
            Bounded.run("operator", Duration.ofSeconds(30), a::close); // as the SIGTERM hook does
            System.out.printf("node stop on a full disk took %d ms%n", (System.nanoTime() - stop) / 1_000_000);
        }
    }
}
