package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.TestMail;

/** One node, embedded broker, the shipped routes: mail in, checked, delivered to the Maildir once. */
class OneNodeDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestNode a;

    @BeforeEach
    void startNode() throws Exception {
        a = TestNode.start(dir, Map.of());
    }

    @AfterEach
    void stopNode() {
        a.close();
    }

    @Test
    void submittedMailShouldBeDeliveredOnceWithItsBytesUnchanged() throws Exception {
        TestMail mail = TestMail.to("bob@example.com").subject("hello");
        String id = a.publish(mail);

        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        Maildir.Delivered delivered = a.outbox().mails().get(0);
        assertThat(delivered.original()).isEqualTo(mail.bytes());
        assertThat(delivered.stamp("Id")).contains(id);
        assertThat(delivered.stamp("Verdict")).contains("CLEAN");
        assertThat(delivered.stamp("Checks")).contains("clamd,attachment-policy,content-rules");
        assertThat(delivered.stamp("Origin")).contains("a");
        assertThat(delivered.stamp("Node")).contains("a");
        assertThat(delivered.stamp("Attempt")).contains("1");
        assertThat(new String(delivered.bytes(), StandardCharsets.US_ASCII)).startsWith("X-Mailgrid-Id: " + id + "\r\n");
        await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0 && a.depth(Queues.mailbox("a")) == 0);
    }

    @Test
    void eightBitBodiesLongHeaderLinesAndBareLineFeedsShouldSurviveByteForByte() throws Exception {
        byte[] body = new byte[4096];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 251 == 10 ? '\n' : i); // every byte value, with line feeds sprinkled in
        }
        TestMail mail = TestMail.to("bob@example.com").lf()
                .header("X-Long", "x".repeat(5000))
                .subject("Gr\u00fc\u00dfe")
                .body(body);
        a.publish(mail);

        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        Maildir.Delivered delivered = a.outbox().mails().get(0);
        assertThat(delivered.original()).isEqualTo(mail.bytes());
        assertThat(new String(delivered.bytes(), StandardCharsets.ISO_8859_1)).as("stamp uses the mail's own line ending")
                .startsWith("X-Mailgrid-Id: ").contains("\nX-Mailgrid-Origin: a\n");
    }

    @Test
    void aRepeatedPublishOfTheSameMailShouldBeDeliveredOnce() throws Exception {
        byte[] bytes = TestMail.to("bob@example.com").bytes();
        Envelope envelope = Envelope.received("a", "", List.of("bob@example.com"), "test", Instant.now(), bytes.length);
        a.node.publisher().publish(envelope, bytes);
        a.node.publisher().publish(envelope, bytes); // a client that retried after a lost reply

        await().atMost(WAIT).until(() -> a.outbox().count() == 1 && a.depth(Queues.mailbox("a")) == 0);
        String second = a.publish(TestMail.to("x@example.com"));
        await().atMost(WAIT).until(() -> a.outbox().count() == 2);
        assertThat(a.outbox().mails()).extracting(m -> m.stamp("Id").orElseThrow())
                .containsExactlyInAnyOrder(envelope.mailId(), second);
    }

    @Test
    void aFileDroppedIntoThePickupFolderShouldBeDeliveredAndThenRemoved() throws Exception {
        TestMail mail = TestMail.to("bob@example.com", "carol@example.com").header("Cc", "dave@example.com");
        Path pickup = a.node.settings().pickupDir();
        Path writing = Files.write(pickup.resolve("one.eml.tmp"), mail.bytes());
        Files.move(writing, pickup.resolve("one.eml"));

        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        assertThat(a.outbox().mails().get(0).original()).isEqualTo(mail.bytes());
        await().atMost(WAIT).until(() -> !Files.exists(pickup.resolve("one.eml")));
    }

    @Test
    void aPickupFileWithoutRecipientsShouldBeSetAsideWithAReason() throws Exception {
        Path pickup = a.node.settings().pickupDir();
        Files.writeString(pickup.resolve("bad.eml"), "Subject: nobody to send to\r\n\r\nbody\r\n");

        await().atMost(WAIT).until(() -> Files.exists(pickup.resolve("rejected/bad.eml.reason")));
        assertThat(Files.readString(pickup.resolve("rejected/bad.eml.reason"))).contains("no recipient");
        await().atMost(WAIT).until(() -> !Files.exists(pickup.resolve("bad.eml")));
        assertThat(a.outbox().count()).isZero();
    }
}
