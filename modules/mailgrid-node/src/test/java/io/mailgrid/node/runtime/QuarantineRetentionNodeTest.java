package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestMail;

/** Quarantined mail older than mailgrid.quarantine.retention is removed by the broker, and each removal is logged. */
class QuarantineRetentionNodeTest {

    @TempDir
    Path dir;

    static final class Recorder extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
    }

    private static TestMail blocked(String messageId) {
        return TestMail.to("bob@example.com").messageId(messageId)
                .attachment("invoice.exe", "MZ not really a program".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void quarantinedMailShouldBeRemovedAfterTheRetentionWithOneLogLineWhileYoungerMailStays() throws Exception {
        Recorder recorder = new Recorder();
        Logger expiry = (Logger) LoggerFactory.getLogger("io.mailgrid.node.route.QuarantineExpiry");
        recorder.setContext(expiry.getLoggerContext());
        recorder.start();
        expiry.addAppender(recorder);
        try (TestNode a = TestNode.start(dir, Map.of("mailgrid.quarantine.retention", "2s"))) {
            String old = a.publish(blocked("<old@example.com>"));
            QuarantineTestSupport.browseUntilPresent(a, old);

            await().atMost(Duration.ofSeconds(20)).until(() -> a.depth(Queues.QUARANTINE) == 0 && !recorder.lines.isEmpty());
            assertThat(recorder.lines).singleElement().asString()
                    .startsWith("INFO Mail " + old + " removed from the quarantine after the retention of 2s: message-id <old@example.com>,"
                            + " verdict BLOCKED_ATTACHMENT")
                    .contains("quarantined ");
            assertThat(a.depth(Queues.QUARANTINE_EXPIRED)).isZero();

            // quarantined now: younger than the retention, it stays and expires only a retention from now
            long before = System.currentTimeMillis();
            String young = a.publish(blocked("<young@example.com>"));
            jakarta.jms.Message kept = QuarantineTestSupport.browseUntilPresent(a, young);
            long quarantinedAt = kept.getLongProperty(MailProperty.PROCESSED_AT);
            assertThat(quarantinedAt).isGreaterThanOrEqualTo(before);
            assertThat(kept.getJMSExpiration()).isBetween(quarantinedAt + 2000, quarantinedAt + 3000);
            assertThat(recorder.lines).hasSize(1);
        } finally {
            expiry.detachAppender(recorder);
        }
    }
}
