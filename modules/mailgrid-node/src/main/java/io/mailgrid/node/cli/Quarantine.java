package io.mailgrid.node.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;

import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.MailMessage;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.NodeNames;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.core.Stage;

/**
 * The quarantine as an operator handles it: list and show the mails in {@code mailgrid.quarantine},
 * release one for delivery as it is, release it for a new check, or delete it.
 *
 * <p>Release and delete work on a quarantine that pages (above its address's max-size), where a
 * JMS selector consumer never sees the paged mails (issue 10 case 7). Artemis's own management
 * operations read the page files: release asks the broker to move the one mail with that
 * {@code mailgrid_id} to {@code mailgrid.quarantine.releasing} (a small queue that never pages),
 * then takes it from there and publishes it in one local transaction, so the mail is in the
 * quarantine, in the releasing queue or in its next queue, never in two and never in none. A mail
 * left in the releasing queue by a release that died is listed and is taken by the next release
 * or delete. Delete takes the mail the same way and commits without publishing it. The broker's
 * move reads the page files up to the mail, through its memory (docs/adr/0019).
 *
 * <p>A released mail carries {@code mailgrid_released} (stamped as {@code X-Mailgrid-Released})
 * and the duplicate-detection id of the release stage; a re-checked mail goes back to its
 * origin's mailbox with the next generation, so every stage's duplicate-detection id is new.
 */
public final class Quarantine {

    /**
     * One quarantined mail, as its properties describe it.
     *
     * @param mailId      the mail id
     * @param verdict     why it is here: a verdict name
     * @param reason      the check and its reason
     * @param origin      the node whose ingress received it
     * @param processedBy the node whose grabber checked it
     * @param processedAt when it was checked, or null
     * @param from        envelope sender
     * @param recipients  envelope recipients, comma-separated
     * @param size        size in bytes
     * @param generation  0, or how often it was re-checked
     */
    public record Entry(String mailId, String verdict, String reason, String origin, String processedBy,
            Instant processedAt, String from, String recipients, long size, int generation) {
    }

    /** A quarantined mail with every property and its header block. */
    public record Details(Entry entry, Map<String, Object> properties, String headers) {
    }

    /** The mail is not (or no longer) in the quarantine. */
    public static final class NotInQuarantineException extends NoSuchMailException {
        private static final long serialVersionUID = 1L;

        NotInQuarantineException(String mailId) {
            super(mailId, Queues.QUARANTINE);
        }
    }

    /** Messages the broker moves per internal transaction while it looks through the quarantine. */
    private static final int MOVE_FLUSH_LIMIT = 1000;

    /** The properties a re-check clears, so the chain judges the mail afresh. */
    private static final Set<String> VERDICT_PROPERTIES = Set.of(MailProperty.VERDICT, MailProperty.REASON,
            MailProperty.CHECKS, MailProperty.PROCESSED_BY, MailProperty.PROCESSED_AT, MailProperty.ATTEMPT,
            MailProperty.RELEASED);
    private static final int HEADER_LIMIT = 64 * 1024;

    /** How long release and delete wait for a mail that is still being committed into the quarantine. */
    private static final Duration ARRIVING = Duration.ofSeconds(1);

    private final ConnectionFactory factory;
    private final BrokerManagement management;
    private final Clock clock;
    private final String operator;
    private final Duration sendTimeout;

    /** A quarantine whose release waits at most 30 s for the broker to take the released copy. */
    public Quarantine(ConnectionFactory factory, BrokerManagement management, Clock clock, String operator) {
        this(factory, management, clock, operator, SendDeadline.DEFAULT_TIMEOUT);
    }

    /**
     * @param factory     connections to the broker
     * @param management  management calls on the same broker (move and remove, which reach paged mail)
     * @param clock       the release time
     * @param operator    who releases, recorded in the released mail ("user@host")
     * @param sendTimeout how long a release waits for the broker to take the released copy
     *                    ({@code mailgrid.broker.send-timeout}); past it the release is rolled back
     */
    public Quarantine(ConnectionFactory factory, BrokerManagement management, Clock clock, String operator,
            Duration sendTimeout) {
        this.factory = factory;
        this.management = management;
        this.clock = clock;
        this.operator = operator;
        this.sendTimeout = sendTimeout;
    }

    /** The operator running this process: {@code user@host}. */
    public static String currentOperator() {
        return System.getProperty("user.name", "unknown") + "@" + NodeNames.fromHostName();
    }

    /**
     * Every quarantined mail, oldest first, without taking any (browsing reads the page files too);
     * a mail a release that died left in the releasing queue comes last.
     */
    public List<Entry> list() throws JMSException {
        List<Entry> entries = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            for (String queue : List.of(Queues.QUARANTINE, Queues.QUARANTINE_RELEASING)) {
                try (QueueBrowser browser = context.createBrowser(context.createQueue(queue))) {
                    Enumeration<?> messages = browser.getEnumeration();
                    while (messages.hasMoreElements()) {
                        entries.add(entry((Message) messages.nextElement()));
                    }
                }
            }
        }
        return entries;
    }

    /** One quarantined mail with its properties and header block, without taking it. */
    public Optional<Details> show(String mailId) throws JMSException {
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            for (String queue : List.of(Queues.QUARANTINE, Queues.QUARANTINE_RELEASING)) {
                try (QueueBrowser browser = context.createBrowser(context.createQueue(queue), selector(mailId))) {
                    Enumeration<?> messages = browser.getEnumeration();
                    if (messages.hasMoreElements()) {
                        Message message = (Message) messages.nextElement();
                        Map<String, Object> properties = new TreeMap<>();
                        for (String name : Collections.list(propertyNames(message))) {
                            if (name.startsWith(MailProperty.PREFIX)) {
                                properties.put(name, message.getObjectProperty(name));
                            }
                        }
                        return Optional.of(new Details(entry(message), properties, headers(message.getBody(byte[].class))));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** The quarantined mail's bytes as they arrived (for {@code export}), without taking it. */
    public Optional<byte[]> original(String mailId) throws JMSException {
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            for (String queue : List.of(Queues.QUARANTINE, Queues.QUARANTINE_RELEASING)) {
                try (QueueBrowser browser = context.createBrowser(context.createQueue(queue), selector(mailId))) {
                    Enumeration<?> messages = browser.getEnumeration();
                    if (messages.hasMoreElements()) {
                        return Optional.of(((Message) messages.nextElement()).getBody(byte[].class));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Takes the mail out of the quarantine and, in the same transaction, publishes it: as it is to
     * {@code mailgrid.outbound.<origin>} for delivery, or with {@code recheck} to
     * {@code mailgrid.mailbox.<origin>} to go through the policy chain again.
     *
     * @return the mail as it was in the quarantine
     * @throws NotInQuarantineException if no such mail is in the quarantine
     */
    public Entry release(String mailId, boolean recheck) throws Exception {
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.QUARANTINE_RELEASING),
                        selector(mailId))) {
            Message message = take(consumer, mailId, context);
            Entry entry = entry(message);
            String origin = NodeNames.requireValid(entry.origin());
            Map<String, Object> properties = MailMessage.properties(message);
            properties.keySet().removeIf(name -> recheck && VERDICT_PROPERTIES.contains(name));
            String destination;
            Stage stage;
            if (recheck) {
                properties.put(MailProperty.GENERATION, entry.generation() + 1);
                stage = Stage.MAILBOX;
                destination = Queues.mailbox(origin);
            } else {
                properties.put(MailProperty.RELEASED, "by " + operator + " at " + Instant.now(clock));
                stage = Stage.RELEASE;
                destination = Queues.outbound(origin);
            }
            MailMessage.stamp(stage, properties);
            BytesMessage copy = MailMessage.toMessage(context, message.getBody(byte[].class), properties);
            // a send abandoned at the deadline (the broker's disk is full) is rolled back: the mail stays
            // in mailgrid.quarantine.releasing, where the next release finds it
            SendDeadline.sendThenCommit(context, sendTimeout, "the released copy of mail " + mailId,
                    () -> context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createQueue(destination), copy));
            return entry;
        }
    }

    /**
     * Deletes the mail from the quarantine.
     *
     * @return the mail as it was
     * @throws NotInQuarantineException if no such mail is in the quarantine
     */
    public Entry delete(String mailId) throws Exception {
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.QUARANTINE_RELEASING),
                        selector(mailId))) {
            Entry entry = entry(take(consumer, mailId, context));
            context.commit();
            return entry;
        }
    }

    /**
     * The mail, taken (inside the caller's transaction) from the releasing queue: left there by a
     * release that died, or moved there now by the broker from wherever it lies in the quarantine,
     * paged or not. With no prefetch, receiveNoWait asks the broker and gets a definite answer.
     */
    private Message take(JMSConsumer consumer, String mailId, JMSContext context) throws Exception {
        Message message = consumer.receiveNoWait();
        if (message == null && (moveToReleasing(mailId) > 0 || awaitArrival() && moveToReleasing(mailId) > 0)) {
            message = consumer.receive(ARRIVING.toMillis());
        }
        if (message == null) {
            context.rollback();
            throw new NotInQuarantineException(mailId);
        }
        return message;
    }

    /** Asks the broker to move the mail (at most one message) from the quarantine to the releasing queue. */
    private int moveToReleasing(String mailId) throws Exception {
        Object moved = management.invoke("queue." + Queues.QUARANTINE, "moveMessages", MOVE_FLUSH_LIMIT,
                selector(mailId), Queues.QUARANTINE_RELEASING, false, 1);
        return moved instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(moved));
    }

    /** Gives a mail that is still being committed into the quarantine (just quarantined) time to arrive. */
    private static boolean awaitArrival() throws InterruptedException {
        Thread.sleep(ARRIVING.toMillis());
        return true;
    }

    /** A JMS selector matching one mail id; quotes are doubled, as the selector syntax wants. */
    public static String selector(String mailId) {
        return MailProperty.MAIL_ID + " = '" + mailId.replace("'", "''") + "'";
    }

    @SuppressWarnings("unchecked")
    private static Enumeration<String> propertyNames(Message message) throws JMSException {
        return (Enumeration<String>) message.getPropertyNames();
    }

    private static Entry entry(Message message) throws JMSException {
        return new Entry(message.getStringProperty(MailProperty.MAIL_ID),
                message.getStringProperty(MailProperty.VERDICT),
                message.getStringProperty(MailProperty.REASON),
                message.getStringProperty(MailProperty.ORIGIN),
                message.getStringProperty(MailProperty.PROCESSED_BY),
                message.propertyExists(MailProperty.PROCESSED_AT)
                        ? Instant.ofEpochMilli(message.getLongProperty(MailProperty.PROCESSED_AT)) : null,
                message.getStringProperty(MailProperty.MAIL_FROM),
                message.getStringProperty(MailProperty.RCPT_TO),
                message.propertyExists(MailProperty.SIZE) ? message.getLongProperty(MailProperty.SIZE) : -1,
                message.propertyExists(MailProperty.GENERATION) ? message.getIntProperty(MailProperty.GENERATION) : 0);
    }

    /** The header block of a mail (up to the first empty line, at most 64 KB), printable characters only. */
    static String headers(byte[] mail) {
        int end = Math.min(mail.length, HEADER_LIMIT);
        for (int i = 0; i + 1 < end; i++) {
            if (mail[i] == '\n' && (mail[i + 1] == '\n' || (mail[i + 1] == '\r' && i + 2 < end && mail[i + 2] == '\n'))) {
                end = i + 1;
                break;
            }
        }
        StringBuilder text = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            int b = mail[i] & 0xFF;
            if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7F)) {
                text.append((char) b);
            } else if (b != '\r') {
                text.append('?');
            }
        }
        return text.toString();
    }
}
