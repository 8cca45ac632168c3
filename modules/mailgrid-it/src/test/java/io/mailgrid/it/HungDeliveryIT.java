package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.Queues;
import io.mailgrid.delivery.MaildirDelivery;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.testing.FileGate;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A node that hangs (SIGSTOP) while it delivers, long enough for the broker to give its mail to a
 * peer after the connection TTL, then wakes up (SIGCONT) and goes on where it stopped. The pause
 * lands at a known point: a test step in the grabber (which delivers a node's own mail into its
 * Maildir, docs/adr/0035) holds the mail until the test has stopped the node, or the SMTP sink
 * holds its reply. Every mail is counted by its mail id in
 * {@code new/} and {@code cur/} of every Maildir, or at the sink.
 */
class HungDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern MAIL_ID = Pattern.compile("^X-Mailgrid-Id: (\\S+)", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void aHungNodeWakingUpShouldNotAddASecondCopyToTheMaildirWhateverTheReaderDidMeanwhile() throws Exception {
        try (Cluster cluster = new Cluster(dir, "hung-maildir")) {
            cluster.startBroker();
            Path gates = dir.resolve("gates");
            Path routes = routesWithDeliveryGates(cluster, gates);
            MailgridProcess a = cluster.startNodes(routes, "a", "b").get(0);
            Path outbox = cluster.dataDir("a").resolve("outbox");

            cluster.publish("a", 1, "HOLD-BEFORE"); // a stops before its delivery step
            cluster.publish("a", 1, "HOLD-AFTER"); // a stops after its delivery step, before the commit
            String before = FileGate.awaitHeld(gates.resolve("before"), WAIT);
            String after = FileGate.awaitHeld(gates.resolve("after"), WAIT);
            a.suspend();
            long stoppedAt = System.nanoTime();
            FileGate.open(gates.resolve("before"));
            FileGate.open(gates.resolve("after"));

            // a mail reader (Dovecot) picks up what a delivered: flagged seen, its size in the name
            Path delivered = fileOf(outbox.resolve("new"), after);
            Files.move(delivered, outbox.resolve("cur").resolve(delivered.getFileName() + ",S=" + Files.size(delivered) + ":2,S"));
            // after the connection TTL the broker gives both mails to b, which delivers into a's Maildir
            await().atMost(WAIT).until(() -> cluster.depth(Queues.outbound("a")) == 0
                    && copies(List.of(outbox)).getOrDefault(before, 0) == 1);
            double takenOver = (System.nanoTime() - stoppedAt) / 1e9;
            Path byPeer = fileOf(outbox.resolve("new"), before);
            Files.move(byPeer, outbox.resolve("cur").resolve(byPeer.getFileName() + ":2,S"));

            a.resume(); // a's old delivery thread goes on with the mail b delivered
            FileGate.awaitMark(gates.resolve("before"), before, "delivered", WAIT);

            Map<String, Integer> copies = copies(List.of(outbox, cluster.dataDir("b").resolve("outbox")));
            System.out.printf("hung Maildir delivery (SIGSTOP): b took a's mails %.1f s after the stop; copies after"
                    + " SIGCONT: paused before the delivery step %d, paused after it %d%n", takenOver,
                    copies.get(before), copies.get(after));
            assertThat(copies).as("each mail exactly once, counted by mail id in new/ and cur/")
                    .containsEntry(before, 1).containsEntry(after, 1).hasSize(2);
        }
    }

    @Test
    void aHungNodeWakingUpShouldNotRelayAgainWhatAPeerRelayedMeanwhile() throws Exception {
        try (SmtpSink sink = SmtpSink.start(TestHome.freePort());
                Cluster cluster = new Cluster(dir, "hung-relay")) {
            SmtpSink.Hold rcptHeld = sink.holdRecipient("slow-rcpt@example.com");
            SmtpSink.Hold answerHeld = sink.holdAnswer("slow-answer@example.com");
            cluster.startBroker();
            String relay = "mailgrid.delivery.relay=smtp://127.0.0.1:" + sink.port();
            MailgridProcess a = cluster.launchNode("a", TestHome.routes(), relay);
            MailgridProcess b = cluster.launchNode("b", TestHome.routes(), relay).awaitReady();
            a.awaitReady();

            String duringRcpt = publishTo(cluster, "a", "slow-rcpt@example.com");
            String afterDot = publishTo(cluster, "a", "slow-answer@example.com");
            rcptHeld.awaitHeld(WAIT); // a waits for the reply to RCPT TO
            answerHeld.awaitHeld(WAIT); // a sent the final dot and waits for the reply
            a.suspend();
            rcptHeld.release();
            answerHeld.release();

            await().atMost(WAIT).until(() -> cluster.depth(Queues.outbound("a")) == 0
                    && relayed(sink).getOrDefault(duringRcpt, 0) >= 1 && relayed(sink).getOrDefault(afterDot, 0) >= 2);
            a.resume();
            await().atMost(WAIT).until(() -> a.currentRun().lines().anyMatch(line -> line.contains(duringRcpt)
                    && (line.contains("relayed to") || line.contains("stopped before"))));

            Map<String, Integer> relayed = relayed(sink);
            System.out.printf("hung relay delivery (SIGSTOP): copies at the relay after SIGCONT: paused while the relay"
                    + " held its reply to RCPT TO %d, paused while it held its reply to the final dot %d%n",
                    relayed.get(duringRcpt), relayed.get(afterDot));
            assertThat(relayed.get(duringRcpt)).as("fenced before the final dot: the peer's copy only").isEqualTo(1);
            assertThat(relayed.get(afterDot)).as("paused after the final dot: the window docs/adr/0017 bounds")
                    .isEqualTo(2);

            // the window itself: how long the relay took to answer the final dot after the last fence check
            List<String> mails = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                mails.add(publishTo(cluster, "a", "rcpt" + i + "@example.com"));
            }
            await().atMost(WAIT).until(() -> relayed(sink).keySet().containsAll(mails));
            // without the mail whose answer the sink held on purpose
            List<Double> answered = answeredAfterFence((a.currentRun() + b.currentRun()).lines()
                    .filter(line -> !line.contains(afterDot)).collect(java.util.stream.Collectors.joining("\n")));
            System.out.printf("relay answer after the last fence check, %d deliveries: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    answered.size(), percentile(answered, 50), percentile(answered, 99), percentile(answered, 100));
        }
    }

    @Test
    void aPeerShouldLeaveADownNodesMailWaitingWhenAnotherMaildirIsAtItsPath() throws Exception {
        try (Cluster cluster = new Cluster(dir, "other-maildir")) {
            cluster.startBroker();
            MailgridProcess a = cluster.startNodes(TestHome.routes(), "a", "b").get(0);
            Path outbox = cluster.dataDir("a").resolve("outbox");
            a.kill9();
            // on b's machine, a's outbox path is b's own volume (docker/compose.yaml): another Maildir
            Path aVolume = dir.resolve("a-volume");
            Files.move(outbox, aVolume);
            new MaildirDelivery(outbox, false);

            List<String> sent = cluster.publish("a", 5, "waits-for-a");
            await().atMost(WAIT).until(() -> nodeReason(cluster, "b").contains("outbound mail of a waits for it"));
            assertThat(nodeReason(cluster, "b")).contains("another Maildir");
            await().atMost(WAIT).until(() -> cluster.depth(Queues.mailbox("a")) == 0);
            assertThat(cluster.depth(Queues.outbound("a"))).as("checked by b, waiting for a").isEqualTo(sent.size());
            assertThat(copies(List.of(outbox))).as("nothing in the Maildir that is not a's").isEmpty();

            Files.move(outbox, dir.resolve("b-volume"));
            Files.move(aVolume, outbox);
            cluster.startNode("a", TestHome.routes());
            await().atMost(WAIT).until(() -> cluster.depth(Queues.outbound("a")) == 0);
            assertThat(cluster.deliveredCounts("a").keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(copies(List.of(outbox)).values()).allMatch(n -> n == 1);
        }
    }

    /**
     * A copy of the shipped routes whose grabber holds marked mails before and after its publish step,
     * which delivers a node's own mail into its Maildir (docs/adr/0035).
     */
    private Path routesWithDeliveryGates(Cluster cluster, Path gates) throws IOException {
        Path copy = dir.resolve("routes-gated");
        Files.createDirectories(copy);
        String firstAttempt = "${header.JMSXDeliveryCount} == 1 &amp;&amp; ${bodyAs(String)} contains ";
        String gate = "io.mailgrid.testing.FileGate";
        try (Stream<Path> files = Files.list(TestHome.routes())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String xml = Files.readString(file, StandardCharsets.UTF_8);
                if (file.getFileName().toString().equals("grabber.xml")) {
                    String step = "<process ref=\"publish\"/>";
                    assertThat(xml).contains(step);
                    xml = xml.replace(step, ""
                            + "<filter><simple>" + firstAttempt + "'HOLD-BEFORE'</simple>"
                            + "<bean beanType=\"" + gate + "\" method=\"hold(${exchange}, '" + gates.resolve("before") + "')\"/></filter>\n"
                            + step + "\n"
                            + "<filter><simple>" + firstAttempt + "'HOLD-BEFORE'</simple>"
                            + "<bean beanType=\"" + gate + "\" method=\"mark(${exchange}, '" + gates.resolve("before") + "', 'delivered')\"/></filter>\n"
                            + "<filter><simple>" + firstAttempt + "'HOLD-AFTER'</simple>"
                            + "<bean beanType=\"" + gate + "\" method=\"hold(${exchange}, '" + gates.resolve("after") + "')\"/></filter>\n");
                }
                Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
            }
        }
        return copy;
    }

    /** Publishes one mail to a node's mailbox for one recipient; returns its mail id. */
    private static String publishTo(Cluster cluster, String node, String recipient) throws Exception {
        byte[] bytes = TestMail.to(recipient).subject("to " + recipient).bytes();
        Envelope envelope = Envelope.received(node, "sender@example.com", List.of(recipient), "test", Instant.now(),
                bytes.length);
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(cluster.clientConfig);
                MailPublisher publisher = new MailPublisher(factory)) {
            publisher.publish(envelope, bytes);
        }
        return envelope.mailId();
    }

    /** Mail id to the number of files carrying it, in new/ and cur/ of these Maildirs. */
    private static Map<String, Integer> copies(List<Path> maildirs) {
        Map<String, Integer> counts = new HashMap<>();
        for (Path maildir : maildirs) {
            for (String folder : List.of("new", "cur")) {
                Path folderPath = maildir.resolve(folder);
                if (!Files.isDirectory(folderPath)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(folderPath)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        mailId(Files.readAllBytes(file)).ifPresent(id -> counts.merge(id, 1, Integer::sum));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return counts;
    }

    /** Mail id to the number of times the sink accepted it. */
    private static Map<String, Integer> relayed(SmtpSink sink) {
        Map<String, Integer> counts = new HashMap<>();
        sink.received().forEach(mail -> mailId(mail.bytes()).ifPresent(id -> counts.merge(id, 1, Integer::sum)));
        return counts;
    }

    private static java.util.Optional<String> mailId(byte[] mail) {
        Matcher id = MAIL_ID.matcher(new String(mail, 0, Math.min(mail.length, 400), StandardCharsets.ISO_8859_1));
        return id.find() ? java.util.Optional.of(id.group(1)) : java.util.Optional.empty();
    }

    private static Path fileOf(Path folder, String mailId) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().contains(mailId)).findFirst()
                    .orElseThrow(() -> new AssertionError("no file of mail " + mailId + " in " + folder));
        }
    }

    private static String nodeReason(Cluster cluster, String node) throws Exception {
        return cluster.status().nodes().stream().filter(n -> n.node().equals(node)).map(StatusReport.NodeStatus::reason)
                .filter(r -> r != null).findFirst().orElse("");
    }

    private static List<Double> answeredAfterFence(String logs) {
        Matcher answered = Pattern.compile("answered ([0-9.]+) ms after the last fence check").matcher(logs);
        List<Double> millis = new ArrayList<>();
        while (answered.find()) {
            millis.add(Double.parseDouble(answered.group(1)));
        }
        millis.sort(Double::compare);
        return millis;
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
