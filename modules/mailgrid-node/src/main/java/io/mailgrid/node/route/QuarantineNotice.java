package io.mailgrid.node.route;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.MailProperty;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.ingress.PublishException;

/**
 * Writes the short summary of a quarantined mail (mailgrid.quarantine.notify) and publishes it as a
 * new mail to the quarantined mail's origin mailbox, so it is checked and delivered like any other.
 * Never the original content. Its mail id comes from the quarantined mail's id and generation: a
 * quarantine retried after a rollback publishes the same id, which the broker drops as a duplicate.
 */
public final class QuarantineNotice {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineNotice.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final int FIELD_LIMIT = 200;

    private final MailPublisher publisher;
    private final String admin;
    private final boolean recipients;
    private final Predicate<String> local;
    private final Clock clock;

    /**
     * @param publisher  the node's publisher (its ingress)
     * @param admin      the notified address (mailgrid.quarantine.notify)
     * @param recipients whether local recipients are notified too (mailgrid.quarantine.notify-recipients)
     * @param local      which recipients are local (mailgrid.local-domains)
     * @param clock      for the summary's Date
     */
    public QuarantineNotice(MailPublisher publisher, String admin, boolean recipients, Predicate<String> local, Clock clock) {
        this.publisher = publisher;
        this.admin = admin;
        this.recipients = recipients;
        this.local = local;
        this.clock = clock;
    }

    /**
     * The notice for these settings, or {@code null} when notifications are off.
     *
     * @throws ConfigException naming the key, for an address that is not one, or recipients without an admin
     */
    public static QuarantineNotice of(MailPublisher publisher, String notifyKey, String admin, String recipientsKey,
            boolean recipients, Predicate<String> local, Clock clock) {
        String address = admin == null ? "" : admin.strip();
        if (address.isEmpty()) {
            if (recipients) {
                throw new ConfigException(recipientsKey + "=true needs " + notifyKey + " (the summaries' sender and first recipient)");
            }
            return null;
        }
        if (!Envelope.isAcceptableAddress(address) || !address.contains("@")) {
            throw new ConfigException(notifyKey + ": expected a mail address such as postmaster@example.com, got '" + address + "'");
        }
        return new QuarantineNotice(publisher, address, recipients, local, clock);
    }

    /** Whether a quarantined mail gets a summary: not a notification itself, nor a bounce (null sender). */
    static boolean wanted(Map<String, Object> properties) {
        Object from = properties.get(MailProperty.MAIL_FROM);
        return !IngressSource.NOTIFICATION.wireName().equals(properties.get(MailProperty.SOURCE))
                && from != null && !from.toString().isEmpty();
    }

    /**
     * Publishes the summary of a mail just quarantined, unless it is not {@link #wanted}.
     *
     * @throws PublishException the broker did not store it (the quarantine rolls back and is retried)
     */
    void quarantined(Map<String, Object> properties, byte[] mail) throws PublishException {
        if (!wanted(properties)) {
            return;
        }
        Envelope quarantined = Envelope.fromHeaders(properties);
        List<String> to = new ArrayList<>(List.of(admin));
        if (recipients) {
            quarantined.recipients().stream().filter(local).filter(r -> !to.contains(r)).forEach(to::add);
        }
        String id = UUID.nameUUIDFromBytes(("quarantine-notice:" + quarantined.mailId() + ":" + quarantined.generation())
                .getBytes(StandardCharsets.UTF_8)).toString();
        byte[] summary = summary(id, quarantined, properties, mail);
        Envelope envelope = new Envelope(id, quarantined.origin(), "", to, IngressSource.NOTIFICATION.wireName(), null, null,
                clock.instant(), summary.length, 0);
        publisher.publish(envelope, summary);
        LOG.info("Mail {} quarantined: summary {} published for {} recipient(s)", quarantined.mailId(), id, to.size());
    }

    private byte[] summary(String id, Envelope quarantined, Map<String, Object> properties, byte[] mail) {
        String subject = field(MailLog.header(mail, "subject"));
        String text = "From: Mailgrid quarantine <" + admin + ">\r\n"
                + "To: undisclosed-recipients:;\r\n"
                + "Subject: Quarantined: " + subject + "\r\n"
                + "Date: " + DATE.format(clock.instant()) + "\r\n"
                + "Message-ID: <" + id + "@mailgrid.invalid>\r\n"
                + "Auto-Submitted: auto-generated\r\n"
                + "X-Mailgrid-Notification: quarantine\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "A mail was quarantined and not delivered.\r\n"
                + "\r\n"
                + "Mail id:    " + quarantined.mailId() + "\r\n"
                + "Verdict:    " + field(properties.get(MailProperty.VERDICT)) + "\r\n"
                + "Reason:     " + field(properties.get(MailProperty.REASON)) + "\r\n"
                + "Sender:     <" + field(quarantined.mailFrom()) + ">\r\n"
                + "Subject:    " + subject + "\r\n"
                + "Message-ID: " + MailLog.messageId(mail) + "\r\n"
                + "Date:       " + DATE.format(quarantined.receivedAt()) + "\r\n"
                + "\r\n"
                + "An administrator can release it: ./mailgrid quarantine release " + quarantined.mailId() + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One line, no control characters, at most 200 characters: a header value or a field of the summary. */
    private static String field(Object value) {
        String text = MailLog.text(value);
        return text.length() > FIELD_LIMIT ? text.substring(0, FIELD_LIMIT) + "..." : text.isEmpty() ? "-" : text;
    }

    @Override
    public String toString() {
        return admin + (recipients ? " and local recipients" : "");
    }
}
