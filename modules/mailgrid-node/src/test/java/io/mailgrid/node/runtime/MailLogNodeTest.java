package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.mailgrid.testing.TestMail;

/** One INFO line per delivered mail, with the mail id in the MDC of every line logged while it is processed. */
class MailLogNodeTest {

    @TempDir
    Path dir;

    /** Keeps each event's message and the mail id of its MDC, read on the logging thread. */
    static final class Recorder extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getMDCPropertyMap().get(MailProperty.MAIL_ID) + " | " + event.getFormattedMessage());
        }
    }

    @Test
    void aDeliveredMailShouldLogOneLineNamingItsMessageIdEnvelopeAndTarget() throws Exception {
        Recorder recorder = new Recorder();
        Logger mailLog = (Logger) LoggerFactory.getLogger("io.mailgrid.node.route.MailLog");
        recorder.setContext(mailLog.getLoggerContext());
        recorder.start();
        mailLog.addAppender(recorder);
        try (TestNode a = TestNode.start(dir, Map.of())) {
            String id = a.publish(TestMail.to("bob@example.com").messageId("<trace-me@example.com>"));

            await().atMost(Duration.ofSeconds(30)).until(() -> !recorder.lines.isEmpty());
            assertThat(recorder.lines).singleElement().asString()
                    .startsWith(id + " | Mail " + id + " delivered: message-id <trace-me@example.com>, from <alice@example.com>,"
                            + " 2 recipient(s), ")
                    .contains("verdict CLEAN").contains("checked by a").contains("to Maildir");
        } finally {
            mailLog.detachAppender(recorder);
        }
    }
}
