package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;

class MaildirDeliveryTest {

    @TempDir
    Path maildir;

    private static Map<String, Object> properties(Envelope envelope) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(MailProperty.MAIL_ID, envelope.mailId());
        properties.put(MailProperty.ORIGIN, envelope.origin());
        properties.put(MailProperty.MAIL_FROM, envelope.mailFrom());
        properties.put(MailProperty.RCPT_TO, String.join(",", envelope.recipients()));
        properties.put(MailProperty.SOURCE, envelope.source());
        properties.put(MailProperty.RECEIVED_AT, envelope.receivedAt().toEpochMilli());
        properties.put(MailProperty.SIZE, envelope.size());
        properties.put(MailProperty.VERDICT, "CLEAN");
        return properties;
    }

    @Test
    void aMailShouldLandInNewWithTheStampInFrontAndNothingLeftInTmp() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, true);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);

        delivery.deliver(properties(envelope), mail);

        try (var files = Files.list(maildir.resolve("new"))) {
            Path file = files.findFirst().orElseThrow();
            assertThat(file.getFileName().toString()).contains(envelope.mailId()).endsWith(".a");
            assertThat(Files.readString(file)).startsWith("X-Mailgrid-Id: " + envelope.mailId() + "\r\n")
                    .endsWith("Subject: hi\r\n\r\nbody\r\n");
        }
        try (var files = Files.list(maildir.resolve("tmp"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void deliveringTheSameMailAgainShouldNotWriteASecondCopy() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "", List.of("y@example.com"), "test", Instant.now(), mail.length);

        delivery.deliver(properties(envelope), mail);
        delivery.deliver(properties(envelope), mail); // redelivered after a crash before the acknowledgement
        Path inNew;
        try (var files = Files.list(maildir.resolve("new"))) {
            inNew = files.findFirst().orElseThrow();
        }
        Files.move(inNew, maildir.resolve("cur").resolve(inNew.getFileName() + ":2,"));
        delivery.deliver(properties(envelope), mail); // and again after a reader picked it up

        try (var fresh = Files.list(maildir.resolve("new")); var cur = Files.list(maildir.resolve("cur"))) {
            assertThat(fresh.count() + cur.count()).isEqualTo(1);
        }
    }
}
