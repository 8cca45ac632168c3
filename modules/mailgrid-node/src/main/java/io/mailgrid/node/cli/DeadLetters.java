package io.mailgrid.node.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;

import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.NodeNames;
import io.mailgrid.core.Queues;

/**
 * The dead-letter queue as an operator handles it: list and show the mails in {@code mailgrid.dlq},
 * send them back to the queue they failed in, or delete them; one mail by id, the mails a filter
 * selects, or all.
 *
 * <p>Retry and delete are the broker's own management operations ({@code moveMessages},
 * {@code removeMessages} on {@code queue.mailgrid.dlq}): one atomic step per queue in the broker,
 * which also reaches paged mail, and a moved mail is a new message, so its delivery count starts
 * again at 1. A mail goes back only to a Mailgrid mailbox or outbound queue, the one its
 * {@code mailgrid_failed_queue} names.
 */
public final class DeadLetters {

    /**
     * One dead letter.
     *
     * @param mailId      the mail id
     * @param failedQueue the queue it failed in, where retry sends it
     * @param reason      why: the last failure
     * @param from        envelope sender
     * @param recipients  envelope recipients, comma-separated
     * @param size        size in bytes, -1 if unknown
     * @param deadAt      when it was dead-lettered
     */
    public record Entry(String mailId, String failedQueue, String reason, String from, String recipients, long size,
            Instant deadAt) {
    }

    /** Which dead letters a command acts on: ids, or a sender, a failed queue, or all. */
    public record Filter(List<String> mailIds, String from, String failedQueue, boolean all) {

        /** The JMS selector of these mails. */
        String selector() {
            List<String> terms = new ArrayList<>();
            if (!mailIds.isEmpty()) {
                terms.add(MailProperty.MAIL_ID + " IN (" + String.join(", ", mailIds.stream().map(DeadLetters::quoted).toList()) + ")");
            }
            if (from != null) {
                terms.add(MailProperty.MAIL_FROM + " = " + quoted(from));
            }
            if (failedQueue != null) {
                terms.add(MailProperty.FAILED_QUEUE + " = " + quoted(failedQueue));
            }
            if (terms.isEmpty() && !all) {
                throw new IllegalArgumentException("name mail ids, a filter (--from, --failed-in) or --all");
            }
            return terms.isEmpty() ? "" : String.join(" AND ", terms);
        }
    }

    /** What a retry did: mails sent back, per queue, and the mails that could not go back, with why. */
    public record Retried(Map<String, Integer> byQueue, Map<String, String> leftBehind) {
        /** Mails sent back in all. */
        public int total() {
            return byQueue.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Messages the broker moves or removes per internal transaction. */
    private static final int FLUSH_LIMIT = 1000;
    private static final String RESOURCE = "queue." + Queues.DLQ;

    private final ConnectionFactory factory;
    private final BrokerManagement management;

    /**
     * @param factory    connections to the broker (browsing)
     * @param management management calls on the same broker (move and remove)
     */
    public DeadLetters(ConnectionFactory factory, BrokerManagement management) {
        this.factory = factory;
        this.management = management;
    }

    /** The dead letters the filter selects (all with an empty filter), oldest first, without taking any. */
    public List<Entry> list(Filter filter) throws JMSException {
        List<Entry> entries = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = context.createBrowser(context.createQueue(Queues.DLQ), selectorOrAll(filter))) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                entries.add(entry((Message) messages.nextElement()));
            }
        }
        return entries;
    }

    /** One dead letter with its Mailgrid properties, without taking it. */
    public Optional<Map<String, Object>> show(String mailId) throws JMSException {
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = context.createBrowser(context.createQueue(Queues.DLQ),
                        MailProperty.MAIL_ID + " = " + quoted(mailId))) {
            Enumeration<?> messages = browser.getEnumeration();
            if (!messages.hasMoreElements()) {
                return Optional.empty();
            }
            Message message = (Message) messages.nextElement();
            Map<String, Object> properties = new TreeMap<>();
            for (Object name : Collections.list(message.getPropertyNames())) {
                if (name.toString().startsWith(MailProperty.PREFIX)) {
                    properties.put(name.toString(), message.getObjectProperty(name.toString()));
                }
            }
            properties.put("dead-lettered at", Instant.ofEpochMilli(message.getJMSTimestamp()));
            return Optional.of(properties);
        }
    }

    /**
     * Sends the selected dead letters back to the queue each failed in, with a fresh attempt count.
     * Mails whose failed queue is not a Mailgrid mailbox or outbound queue stay, and are named.
     */
    public Retried retry(Filter filter) throws Exception {
        Map<String, Integer> byQueue = new LinkedHashMap<>();
        Map<String, String> leftBehind = new LinkedHashMap<>();
        Map<String, List<String>> idsByQueue = new LinkedHashMap<>();
        for (Entry entry : list(filter)) {
            if (isMailQueue(entry.failedQueue())) {
                idsByQueue.computeIfAbsent(entry.failedQueue(), q -> new ArrayList<>()).add(entry.mailId());
            } else {
                leftBehind.put(entry.mailId(), "failed in " + entry.failedQueue() + ", not a mailbox or outbound queue");
            }
        }
        for (String queue : idsByQueue.keySet()) {
            String selector = and(filter.selector(), MailProperty.FAILED_QUEUE + " = " + quoted(queue));
            Object moved = management.invoke(RESOURCE, "moveMessages", FLUSH_LIMIT, selector, queue, false);
            byQueue.put(queue, moved instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(moved)));
        }
        return new Retried(byQueue, leftBehind);
    }

    /** Deletes the selected dead letters for good; returns how many. */
    public int delete(Filter filter) throws Exception {
        Object removed = management.invoke(RESOURCE, "removeMessages", FLUSH_LIMIT, filter.selector());
        return removed instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(removed));
    }

    private static boolean isMailQueue(String queue) {
        if (queue == null) {
            return false;
        }
        String node = Queues.nodeOfMailbox(queue) != null ? Queues.nodeOfMailbox(queue) : Queues.nodeOfOutbound(queue);
        try {
            return node != null && NodeNames.requireValid(node).equals(node);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String selectorOrAll(Filter filter) {
        String selector = filter.selector();
        return selector.isEmpty() ? null : selector;
    }

    private static String and(String left, String right) {
        return left.isEmpty() ? right : "(" + left + ") AND " + right;
    }

    /** A selector string literal; quotes doubled, as the selector syntax wants. */
    static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static Entry entry(Message message) throws JMSException {
        return new Entry(message.getStringProperty(MailProperty.MAIL_ID),
                message.getStringProperty(MailProperty.FAILED_QUEUE),
                message.getStringProperty(MailProperty.REASON),
                message.getStringProperty(MailProperty.MAIL_FROM),
                message.getStringProperty(MailProperty.RCPT_TO),
                message.propertyExists(MailProperty.SIZE) ? message.getLongProperty(MailProperty.SIZE) : -1,
                Instant.ofEpochMilli(message.getJMSTimestamp()));
    }
}
