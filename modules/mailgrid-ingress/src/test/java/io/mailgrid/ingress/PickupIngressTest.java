package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The pickup steps (claim, publish, remove) on a real embedded broker, called as the route calls
 * them, with the crashes built deterministically: a step simply not called, a fresh instance for
 * the restarted node.
 */
class PickupIngressTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final PickupSettings SETTINGS = new PickupSettings(1 << 20, Duration.ofSeconds(1));

    @TempDir
    static Path brokerDir;
    static MailgridConfig brokerConfig;
    static EmbeddedBroker broker;
    static ActiveMQConnectionFactory factory;

    @TempDir
    Path pickup;
    private MailPublisher publisher;

    @BeforeAll
    static void startBroker() {
        brokerConfig = TestHome.config("a", brokerDir, TestHome.freePort(), Map.of());
        broker = EmbeddedBroker.start(brokerConfig, brokerDir.resolve("broker"));
        factory = BrokerConnection.forCommand(brokerConfig);
    }

    @AfterAll
    static void stopBroker() {
        factory.close();
        broker.close();
    }

    @BeforeEach
    void openPublisher() {
        publisher = new MailPublisher(factory);
    }

    @AfterEach
    void drain() {
        publisher.close();
        mailbox();
    }

    private PickupIngress node(String name) {
        return new PickupIngress(publisher, name, pickup, SETTINGS, CLOCK);
    }

    private Path drop(String name, byte[] content) throws Exception {
        Path file = Files.write(pickup.resolve(name), content);
        Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(60)));
        return file;
    }

    /** Every message in node a's mailbox, taken out of it. */
    private static List<Message> mailbox() {
        List<Message> messages = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox("a")))) {
            for (Message m = consumer.receive(500); m != null; m = consumer.receive(200)) {
                messages.add(m);
            }
        }
        return messages;
    }

    private List<Path> files(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void eachFileShouldBeClaimedUnderAFreshIdSoTheSameFileDroppedTwiceIsTwoMails() throws Exception {
        PickupIngress a = node("a");
        byte[] alert = TestMail.to("ops@example.com").bytes();

        drop("alert.eml", alert);
        PickupIngress.Claim first = a.claim().get(0);
        drop("alert.eml", alert);
        PickupIngress.Claim second = a.claim().stream().filter(c -> c != first && !c.mailId().equals(first.mailId()))
                .findFirst().orElseThrow();

        assertThat(first.file()).isEqualTo(pickup.resolve(".claimed/a/" + first.mailId() + ".alert.eml"));
        assertThat(second.mailId()).isNotEqualTo(first.mailId());
        for (PickupIngress.Claim claim : List.of(first, second)) {
            a.publish(claim);
            a.remove(claim);
        }
        assertThat(mailbox()).extracting(m -> m.getStringProperty(MailProperty.MAIL_ID))
                .containsExactlyInAnyOrder(first.mailId(), second.mailId());
        assertThat(files(pickup.resolve(".claimed/a"))).isEmpty();
    }

    @Test
    void everyLineAboutAFileShouldCarryItsMailIdInTheMdcAndNoIdShouldStayOnThePollingThread() throws Exception {
        PickupIngress a = node("a");
        drop("one.eml", TestMail.to("ops@example.com").bytes());
        drop("no-recipient.eml", "From: alice@example.com\r\nSubject: to nobody\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        drop("two.eml", TestMail.to("ops@example.com").bytes());

        List<PickupIngress.Claim> claims;
        try (LogCapture log = LogCapture.of("io.mailgrid.ingress")) {
            claims = a.claim();
            for (PickupIngress.Claim claim : claims) {
                a.publish(claim);
                a.remove(claim);
                assertThat(MDC.get(MailProperty.MAIL_ID)).as("left on the thread after " + claim).isNull();
            }

            assertThat(claims).hasSize(3);
            for (PickupIngress.Claim claim : claims) {
                assertThat(log.mentioning(claim.fileName())).as(claim.toString()).isNotEmpty()
                        .allSatisfy(line -> assertThat(line.mdc(MailProperty.MAIL_ID)).as(line.toString()).isEqualTo(claim.mailId()));
            }
        }
        assertThat(mailbox()).hasSize(2);
    }

    @Test
    void aFileStillChangingShouldStayWhereItIs() throws Exception {
        PickupIngress a = node("a");
        Path writing = Files.write(pickup.resolve("report.eml"), TestMail.to("ops@example.com").bytes());
        Files.setLastModifiedTime(writing, FileTime.from(NOW));

        assertThat(a.claim()).isEmpty();
        assertThat(writing).exists();
    }

    @Test
    void aNodeThatCrashedAfterPublishingShouldPublishAgainUnderTheSameIdAndTheBrokerKeepOne() throws Exception {
        drop("alert.eml", TestMail.to("ops@example.com").bytes());
        PickupIngress.Claim claim = node("a").claim().get(0);
        node("a").publish(claim);
        // crash: remove() never ran; the node starts again

        List<PickupIngress.Claim> afterRestart = node("a").claim();

        assertThat(afterRestart).containsExactly(claim);
        node("a").publish(afterRestart.get(0));
        node("a").remove(afterRestart.get(0));
        assertThat(mailbox()).extracting(m -> m.getStringProperty(MailProperty.MAIL_ID)).containsExactly(claim.mailId());
    }

    @Test
    void aFileTheBrokerDidNotTakeShouldStayClaimedAndGoUnderItsIdOnceTheBrokerIsBack() throws Exception {
        drop("alert.eml", TestMail.to("ops@example.com").bytes());
        MailgridConfig nowhere = brokerConfig.with(Map.of(CoreSettingsCatalog.BROKER_URL, "tcp://127.0.0.1:" + TestHome.freePort()));
        PickupIngress.Claim claim;
        try (ActiveMQConnectionFactory down = BrokerConnection.forCommand(nowhere);
                MailPublisher failing = new MailPublisher(down)) {
            PickupIngress a = new PickupIngress(failing, "a", pickup, SETTINGS, CLOCK);
            claim = a.claim().get(0);
            assertThatThrownBy(() -> a.publish(claim)).isInstanceOf(PublishException.class);
        }
        assertThat(claim.file()).exists();

        PickupIngress a = node("a");
        PickupIngress.Claim again = a.claim().get(0);
        a.publish(again);
        a.remove(again);

        assertThat(again.mailId()).isEqualTo(claim.mailId());
        assertThat(mailbox()).extracting(m -> m.getStringProperty(MailProperty.MAIL_ID)).containsExactly(claim.mailId());
    }

    @Test
    void twoNodesOnOneFolderShouldNeverTakeEachOthersFiles() throws Exception {
        for (int i = 0; i < 10; i++) {
            drop("m" + i + ".eml", TestMail.to("r" + i + "@example.com").bytes());
        }
        PickupIngress a = node("a");
        PickupIngress b = node("b");

        List<PickupIngress.Claim> byA = a.claim();
        List<PickupIngress.Claim> byB = b.claim();
        drop("late.eml", TestMail.to("late@example.com").bytes());
        List<PickupIngress.Claim> byBAgain = b.claim();

        assertThat(byA).hasSize(10);
        assertThat(byB).isEmpty();
        assertThat(byBAgain).singleElement().satisfies(c -> assertThat(c.fileName()).isEqualTo("late.eml"));
        assertThat(a.claim()).as("a still holds its own, and only those").containsExactlyInAnyOrderElementsOf(byA);
    }

    @Test
    void aFileThatCannotBeClaimedShouldNotHoldUpTheOthers() throws Exception {
        Path stuck = drop("stuck.eml", TestMail.to("ops@example.com").bytes());
        drop("fine.eml", TestMail.to("ops@example.com").bytes());
        // immutable: not even root may rename it (as another user's file in a sticky folder is for the node)
        Process chattr = new ProcessBuilder("chattr", "+i", stuck.toString()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(chattr.waitFor() == 0, "chattr +i needs root and a file system with attributes: "
                + new String(chattr.getInputStream().readAllBytes()));
        try {
            assertThat(node("a").claim()).singleElement().satisfies(c -> assertThat(c.fileName()).isEqualTo("fine.eml"));
            assertThat(stuck).exists();
        } finally {
            new ProcessBuilder("chattr", "-i", stuck.toString()).start().waitFor();
        }
    }

    @Test
    void aLinkInPlaceOfTheClaimsFolderShouldNotRedirectTheClaims() throws Exception {
        Path outbox = Files.createDirectories(brokerDir.resolve("outbox-" + System.nanoTime()).resolve("new"));
        // someone who may write into the pickup folder points .claimed/a at the outbox Maildir
        Files.createDirectories(outbox.resolveSibling("a"));
        Files.createSymbolicLink(pickup.resolve(".claimed"), outbox.getParent());
        drop("inject.eml", TestMail.to("victim@example.com").bytes());

        assertThatThrownBy(() -> node("a").claim()).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(".claimed");

        assertThat(files(outbox.resolveSibling("a"))).isEmpty();
        assertThat(pickup.resolve("inject.eml")).exists();
    }

    @Test
    void aLinkInPlaceOfTheRejectedFolderShouldNotRedirectWhatIsSetAside() throws Exception {
        Path routes = Files.createDirectories(brokerDir.resolve("routes-" + System.nanoTime()));
        Files.createSymbolicLink(pickup.resolve("rejected"), routes);
        drop("bad.eml", "Subject: no recipient\r\n\r\n<routes/>\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        PickupIngress a = node("a");

        PickupIngress.Claim claim = a.claim().get(0);
        assertThatThrownBy(() -> a.publish(claim)).isInstanceOf(java.io.IOException.class).hasMessageContaining("rejected");

        assertThat(files(routes)).isEmpty();
        assertThat(claim.file()).as("kept claimed until an operator fixes the folder").exists();
    }

    @Test
    void aStrayFileInTheClaimsFolderShouldBeSetAsideWithAReason() throws Exception {
        Files.createDirectories(pickup.resolve(".claimed/a"));
        Files.writeString(pickup.resolve(".claimed/a/notes.txt"), "mine");

        assertThat(node("a").claim()).isEmpty();

        assertThat(pickup.resolve("rejected/notes.txt")).hasContent("mine");
        assertThat(Files.readString(pickup.resolve("rejected/notes.txt.reason"))).contains("not a file Mailgrid claimed");
    }

    @Test
    void aDirectoryNamedLikeAMailShouldBeSetAsideWithAReason() throws Exception {
        Files.createDirectory(pickup.resolve("folder.eml"));
        PickupIngress a = node("a");

        for (PickupIngress.Claim claim : a.claim()) {
            a.publish(claim);
            a.remove(claim);
        }

        assertThat(pickup.resolve("rejected/folder.eml")).isDirectory();
        assertThat(Files.readString(pickup.resolve("rejected/folder.eml.reason"))).contains("a directory");
    }

    @Test
    void aClaimedNameShouldFitAFileNameAndReadBack() {
        String id = "0f1c2e0a-1111-2222-3333-444455556666";
        String longName = "\u00e9".repeat(300) + ".eml";

        String claimed = PickupIngress.claimedName(id, longName);

        assertThat(claimed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(PickupIngress.parseClaim(Path.of(PickupIngress.claimedName(id, "a.b.eml"))))
                .hasValueSatisfying(c -> {
                    assertThat(c.mailId()).isEqualTo(id);
                    assertThat(c.fileName()).isEqualTo("a.b.eml");
                });
        assertThat(PickupIngress.parseClaim(Path.of("not-an-id-at-all-but-exactly-36-chars.eml"))).isEmpty();
    }

    @Test
    void aFileNameShouldReachTheLogWithoutControlCharacters() {
        assertThat(PickupIngress.printable("a\nINFO forged line\u001b[31m.eml")).isEqualTo("a?INFO forged line?[31m.eml");
    }
}
