package io.mailgrid.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

/**
 * What travels with a mail besides its bytes: id, origin node, SMTP envelope and where it came
 * from. Written to and read from {@link MailProperty message properties}.
 *
 * @param mailId        unique id assigned at ingress
 * @param origin        node whose ingress accepted the mail
 * @param mailFrom      envelope sender; empty for the null sender
 * @param recipients    envelope recipients, at least one
 * @param source        how the mail came in: smtp, pickup or submit
 * @param clientAddress SMTP client address, or null
 * @param helo          SMTP HELO/EHLO name, or null
 * @param receivedAt    when ingress accepted the mail
 * @param size          size of the received bytes
 * @param generation    0 when received; incremented on each operator re-injection
 */
public record Envelope(String mailId, String origin, String mailFrom, List<String> recipients,
        String source, String clientAddress, String helo, Instant receivedAt, long size, int generation) {

    /** An address must not contain separators or line breaks: recipients travel comma-separated. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s,<>]*");

    public Envelope {
        Objects.requireNonNull(mailId, "mailId");
        NodeNames.requireValid(origin);
        mailFrom = mailFrom == null ? "" : mailFrom;
        requireAddress(mailFrom);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a mail needs at least one recipient");
        }
        recipients.forEach(r -> {
            requireAddress(r);
            if (r.isEmpty()) {
                throw new IllegalArgumentException("empty recipient address");
            }
        });
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** A new mail's envelope with a fresh id. */
    public static Envelope received(String origin, String mailFrom, List<String> recipients, String source,
            Instant receivedAt, long size) {
        return new Envelope(newMailId(), origin, mailFrom, recipients, source, null, null, receivedAt, size, 0);
    }

    /** The same envelope with SMTP session details. */
    public Envelope withSmtpClient(String address, String heloName) {
        return new Envelope(mailId, origin, mailFrom, recipients, source, address, heloName, receivedAt, size, generation);
    }

    /** The same envelope under another id (ingress that derives ids from content). */
    public Envelope withMailId(String id) {
        return new Envelope(id, origin, mailFrom, recipients, source, clientAddress, helo, receivedAt, size, generation);
    }

    /** A fresh random mail id. */
    public static String newMailId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Whether the address can travel in the envelope properties: no whitespace, comma or angle
     * bracket (recipients travel comma-separated), and no control character (addresses are logged,
     * shown by the commands and sent to relays; no valid address has one).
     */
    public static boolean isAcceptableAddress(String address) {
        return address != null && ADDRESS.matcher(address).matches()
                && address.chars().noneMatch(c -> ControlCharacters.isUnsafe((char) c));
    }

    /** Writes the envelope to a JMS message's properties ({@link MailMessage#write(Envelope, Message)}). */
    public void writeTo(Message message) throws JMSException {
        MailMessage.write(this, message);
    }

    /** Reads an envelope from message properties as Camel presents them ({@link MailMessage#envelope}). */
    public static Envelope fromHeaders(Map<String, Object> headers) {
        return MailMessage.envelope(headers);
    }

    private static void requireAddress(String address) {
        if (!isAcceptableAddress(address)) {
            throw new IllegalArgumentException("address contains whitespace, ',', angle brackets or a control character: '"
                    + ControlCharacters.escape(address) + "'");
        }
    }
}
