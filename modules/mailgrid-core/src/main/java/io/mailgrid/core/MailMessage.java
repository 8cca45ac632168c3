package io.mailgrid.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

/**
 * The one conversion between a mail (its envelope and {@link MailProperty mail properties}) and a
 * JMS message, both ways; the duplicate-detection id of each publish comes from {@link Stage}.
 */
public final class MailMessage {

    private MailMessage() {
    }

    /** Writes the envelope and the duplicate-detection id of {@code stage} to a message's properties. */
    public static void write(Envelope envelope, Stage stage, Message message) throws JMSException {
        write(envelope, message);
        message.setStringProperty(MailProperty.DUPLICATE_ID, stage.duplicateIdOf(envelope));
    }

    /** Writes the envelope to a message's properties. */
    public static void write(Envelope envelope, Message message) throws JMSException {
        message.setStringProperty(MailProperty.MAIL_ID, envelope.mailId());
        message.setStringProperty(MailProperty.ORIGIN, envelope.origin());
        message.setStringProperty(MailProperty.MAIL_FROM, envelope.mailFrom());
        message.setStringProperty(MailProperty.RCPT_TO, String.join(",", envelope.recipients()));
        message.setStringProperty(MailProperty.SOURCE, envelope.source());
        if (envelope.clientAddress() != null) {
            message.setStringProperty(MailProperty.CLIENT_ADDRESS, envelope.clientAddress());
        }
        if (envelope.helo() != null) {
            message.setStringProperty(MailProperty.HELO, envelope.helo());
        }
        message.setLongProperty(MailProperty.RECEIVED_AT, envelope.receivedAt().toEpochMilli());
        message.setLongProperty(MailProperty.SIZE, envelope.size());
        message.setIntProperty(MailProperty.GENERATION, envelope.generation());
    }

    /** Reads the envelope from message properties, or from Camel headers holding them. */
    public static Envelope envelope(Map<String, ?> properties) {
        Object id = properties.get(MailProperty.MAIL_ID);
        if (id == null) {
            throw new IllegalArgumentException("message has no " + MailProperty.MAIL_ID + " property: not a Mailgrid mail");
        }
        String rcpt = text(properties.get(MailProperty.RCPT_TO));
        return new Envelope(id.toString(),
                text(properties.get(MailProperty.ORIGIN)),
                text(properties.get(MailProperty.MAIL_FROM)),
                rcpt == null ? List.of() : Arrays.asList(rcpt.split(",")),
                Objects.requireNonNullElse(text(properties.get(MailProperty.SOURCE)), "unknown"),
                text(properties.get(MailProperty.CLIENT_ADDRESS)),
                text(properties.get(MailProperty.HELO)),
                Instant.ofEpochMilli(number(properties.get(MailProperty.RECEIVED_AT))),
                number(properties.get(MailProperty.SIZE)),
                (int) number(properties.get(MailProperty.GENERATION)));
    }

    /**
     * Whether a property travels with the mail from queue to queue: ours ({@link MailProperty#PREFIX}),
     * the duplicate-detection id and the scheduled delivery time. JMS headers and the broker's own
     * properties (delivery count, original queue) belong to one message, not to the mail.
     */
    public static boolean isMailProperty(String name) {
        return name.startsWith(MailProperty.PREFIX) || name.equals(MailProperty.DUPLICATE_ID)
                || name.equals(MailProperty.ARTEMIS_SCHEDULED_DELIVERY);
    }

    /** The mail properties of a message, by name. */
    public static Map<String, Object> properties(Message message) throws JMSException {
        Map<String, Object> properties = new TreeMap<>();
        for (String name : Collections.list(propertyNames(message))) {
            if (isMailProperty(name)) {
                properties.put(name, message.getObjectProperty(name));
            }
        }
        return properties;
    }

    /**
     * Sets the duplicate-detection id of publishing at {@code stage} among these properties (or
     * Camel headers), from the mail id, generation and message id they hold.
     */
    public static void stamp(Stage stage, Map<String, Object> properties) {
        properties.put(MailProperty.DUPLICATE_ID, stage.duplicateIdOf(properties));
    }

    /**
     * A message holding these bytes and the mail properties among {@code properties} (other
     * entries, such as Camel's or JMS headers, and values JMS cannot carry are left out).
     */
    public static BytesMessage toMessage(JMSContext context, byte[] body, Map<String, ?> properties) throws JMSException {
        BytesMessage message = context.createBytesMessage();
        message.writeBytes(body);
        for (Map.Entry<String, ?> property : properties.entrySet()) {
            Object value = property.getValue();
            if (isMailProperty(property.getKey())
                    && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
                message.setObjectProperty(property.getKey(), value);
            }
        }
        return message;
    }

    @SuppressWarnings("unchecked")
    private static Enumeration<String> propertyNames(Message message) throws JMSException {
        return (Enumeration<String>) message.getPropertyNames();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        return value == null ? 0 : Long.parseLong(value.toString());
    }
}
