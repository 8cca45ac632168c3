package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.Processor;
import org.apache.camel.builder.AdviceWith;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.node.cli.MailgridCommand;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** A node named "a" with its embedded broker, on the real routes and broker.xml, for one test. */
public final class TestNode implements AutoCloseable {

    public final MailgridConfig config;
    public final MailgridNode node;

    private TestNode(MailgridConfig config, MailgridNode node) {
        this.config = config;
        this.node = node;
    }

    public static TestNode start(Path dir, Map<String, String> overrides) throws Exception {
        return start(TestHome.config("a", dir, TestHome.freePort(), overrides));
    }

    /** Starts (or restarts, on the same data directory and port) a node with these settings. */
    public static TestNode start(MailgridConfig config) throws Exception {
        return new TestNode(config, MailgridNode.start(config));
    }

    /** Starts a node whose clock is this one (e.g. skewed), as a machine with a wrong clock would run it. */
    public static TestNode start(MailgridConfig config, java.time.Clock clock) throws Exception {
        return new TestNode(config, MailgridNode.builder(config).clock(clock).start());
    }

    /** The broker URL for command-line tests. */
    public String brokerUrl() {
        return BrokerConnection.url(config);
    }

    /** Starts the node, then inserts a step at the head of the real policy chain. */
    public static TestNode withFirstPolicyStep(Path dir, Map<String, String> overrides, Processor step) throws Exception {
        TestNode test = start(dir, overrides);
        AdviceWith.adviceWith(test.node.camel(), "policy-chain", route -> route.weaveAddFirst().process(step));
        return test;
    }

    /** Publishes a mail to node a's mailbox as ingress does; returns the mail id. */
    public String publish(TestMail mail) throws Exception {
        byte[] bytes = mail.bytes();
        Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com", "carol@example.com"),
                "test", Instant.now(), bytes.length);
        node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }

    public Maildir outbox() {
        return Maildir.at(node.settings().outboxDir());
    }

    /** Receives one message from a queue, or null within the timeout. */
    public Message receive(String queue, long timeoutMillis) {
        try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(queue))) {
            Message message = consumer.receive(timeoutMillis);
            if (message instanceof BytesMessage bytes) {
                bytes.getBodyLength(); // read while the context is open
            }
            return message;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages waiting plus in flight in a queue. */
    public long depth(String queue) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config)) {
            return ((Number) management.attribute("queue." + queue, "messageCount")).longValue();
        }
    }

    /**
     * How many messages a queue of the node's embedded broker ever received, read in this JVM: an
     * administrator's figure that neither the node's nor the operator's login may read.
     */
    public long messagesAdded(String queue) {
        return node.embeddedBroker().server().locateQueue(queue).getMessagesAdded();
    }

    /**
     * The messages waiting in a queue of the node's embedded broker (not those paged to disk), read in
     * this JVM: nodes may not browse mailboxes, operators may not either.
     */
    public List<org.apache.activemq.artemis.api.core.Message> browse(String queue) throws Exception {
        List<org.apache.activemq.artemis.api.core.Message> messages = new ArrayList<>();
        try (var references = node.embeddedBroker().server().locateQueue(queue).browserIterator()) {
            references.forEachRemaining(reference -> messages.add(reference.getMessage()));
        }
        return messages;
    }

    /** What a command printed on standard output and standard error, and its exit code. */
    public record Run(int exit, String out, String err) {
    }

    /**
     * Runs the command line in this JVM and returns its exit code and what it printed. One command at a
     * time: the streams it prints to are the JVM's.
     */
    public static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int exit = MailgridCommand.execute(args);
            return new Run(exit, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs the command line in this JVM, expects exit code 0, and returns what it printed. */
    public static String runCommand(String... args) {
        Run run = run(args);
        assertThat(run.exit()).as(String.join(" ", args) + " printed:%n%s%s", run.out(), run.err()).isZero();
        return run.out();
    }

    @Override
    public void close() {
        node.close();
    }
}
