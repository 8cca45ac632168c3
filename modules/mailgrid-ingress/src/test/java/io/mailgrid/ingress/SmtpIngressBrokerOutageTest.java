package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** The broker goes away in the middle of an SMTP session: the client must hear 4xx, never 250. */
class SmtpIngressBrokerOutageTest {

    @TempDir
    Path dir;

    @Test
    void aBrokerStoppedMidSessionShouldYield451AndTheNextSessionAfterItsRestartShouldBeAccepted() throws Exception {
        int smtpPort = TestHome.freePort();
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(),
                Map.of(IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort)));
        EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory);
                SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(config), publisher, new MemoryBudget(64 << 20), "a", Clock.systemUTC(),
                        Duration.ofSeconds(5))) {
            ingress.start();
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO client");
                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).as("a warm-up mail").startsWith("250");

                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                broker.close();
                long start = System.nanoTime();
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("lost?").bytes()))
                        .as("the broker is gone: temporary failure, the client keeps the mail").startsWith("451 4.3.0");
                System.out.printf("broker stopped: DATA answered 451 after %d ms%n", (System.nanoTime() - start) / 1_000_000);
                assertThat(smtp.send("NOOP")).as("the session goes on").startsWith("250");
            }

            broker = EmbeddedBroker.start(config, dir.resolve("broker"));
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO client");
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<carol@example.com>");
                assertThat(smtp.data(TestMail.to("carol@example.com").bytes())).startsWith("250");
            }
            try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                    JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox("a")))) {
                Message first = consumer.receive(5_000);
                Message second = consumer.receive(5_000);
                assertThat(first.getStringProperty(MailProperty.RCPT_TO)).isEqualTo("bob@example.com");
                assertThat(second.getStringProperty(MailProperty.RCPT_TO)).isEqualTo("carol@example.com");
                assertThat(consumer.receive(500)).as("nothing for the refused mail").isNull();
            }
        } finally {
            broker.close();
        }
    }
}
