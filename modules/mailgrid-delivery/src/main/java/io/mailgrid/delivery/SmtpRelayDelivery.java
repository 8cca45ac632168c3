package io.mailgrid.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Stamp;

/**
 * Delivers checked mail to an SMTP relay (the next hop, such as Postfix's reinjection port),
 * with the original envelope sender and every recipient. The bytes sent are the stamp header
 * block and the received bytes, unchanged but for CRLF line endings and SMTP dot-stuffing.
 *
 * <p>Outcome per recipient, from the relay's replies to RCPT TO and to the end of DATA:
 * <ul>
 * <li>every recipient accepted: done, the outbound queue lets go of the mail;</li>
 * <li>no recipient accepted, some deferred (4xx) or the connection failed:
 *     {@link TemporaryDeliveryException}, the transaction rolls back and the broker redelivers
 *     with back-off;</li>
 * <li>every recipient refused (5xx), or the sender refused: {@link PermanentDeliveryException},
 *     the mail goes to mailgrid.dlq with the relay's reply as the reason;</li>
 * <li>a mix: the recipients the relay took are done and are never sent again; the refused ones
 *     are listed in {@link MailProperty#REFUSED_RCPT} and the deferred ones in
 *     {@link MailProperty#DEFERRED_RCPT}, and the delivery route publishes a dead-letter copy
 *     for the first and a later retry copy for the second, in the same transaction.</li>
 * </ul>
 * A recipient still deferred at the last attempt ({@code mailgrid.redelivery.max-attempts},
 * counting the attempts of earlier retry copies) counts as refused.
 *
 * <p>Connections are kept open between mails (docs/adr/0044): a mail the relay answered 250 leaves its
 * connection for the next mail, which starts with MAIL FROM (RFC 5321 3.3: a new transaction may
 * follow a completed one). A kept connection the relay closed while idle is noticed at MAIL FROM,
 * before any part of a mail was sent, and that mail goes on a new connection. Any other failure
 * closes the connection: it is never reused after an error.
 *
 * <p>At least once: if the node dies after the relay answered 250 to the end of DATA and before
 * the outbound transaction commits, the mail is delivered again after the restart. A node that
 * hung (SIGSTOP, a long pause) while it held the mail is stopped by the {@link DeliveryFence} before
 * MAIL FROM and before the final dot, so only a pause that begins after the final dot can make a
 * peer deliver the mail a second time (docs/adr/0017).
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.delivery.relay}</td><td>{@code smtp://host[:port]}, port 25 if omitted</td><td>empty (Maildir)</td></tr>
 * <tr><td>{@code mailgrid.delivery.relay-timeout}</td><td>duration: connect and each reply</td><td>2m</td></tr>
 * <tr><td>{@code mailgrid.delivery.relay-helo}</td><td>EHLO name</td><td>host name</td></tr>
 * <tr><td>{@code mailgrid.delivery.relay-connections}</td><td>idle connections kept for the next mails, 0 = one per mail</td><td>8</td></tr>
 * <tr><td>{@code mailgrid.delivery.relay-idle-time}</td><td>duration an idle connection is kept</td><td>10s</td></tr>
 * <tr><td>{@code mailgrid.redelivery.max-attempts}</td><td>attempts before deferred counts as refused</td><td>5</td></tr>
 * </table>
 */
public final class SmtpRelayDelivery implements MailDelivery, AutoCloseable {

    /**
     * Connections kept open between mails (docs/adr/0044).
     *
     * @param connections idle connections kept at most; 0 = a new connection for every mail, ended with QUIT
     * @param idleTime    an idle connection older than this is closed instead of reused
     */
    public record Reuse(int connections, Duration idleTime) {
        /** What the shipped mailgrid.properties sets. */
        public static final Reuse DEFAULT = new Reuse(8, Duration.ofSeconds(10));
    }

    private static final Logger LOG = LoggerFactory.getLogger(SmtpRelayDelivery.class);

    private final String host;
    private final int port;
    private final Duration timeout;
    private final Session session;
    private final int maxAttempts;
    private final IdleConnections<RelayConnection> idle;

    /** A relay delivery that keeps connections as {@link Reuse#DEFAULT} says. */
    public SmtpRelayDelivery(String host, int port, Duration timeout, String heloName, int maxAttempts) {
        this(host, port, timeout, heloName, maxAttempts, Reuse.DEFAULT, Clock.systemUTC());
    }

    /**
     * @param host        relay host
     * @param port        relay port
     * @param timeout     connect timeout and the longest wait for one reply
     * @param heloName    name given in EHLO
     * @param maxAttempts attempts before a deferred recipient counts as refused
     * @param reuse       connections kept open for the next mails
     * @param clock       measures how long a connection was idle
     */
    public SmtpRelayDelivery(String host, int port, Duration timeout, String heloName, int maxAttempts, Reuse reuse,
            Clock clock) {
        this.idle = new IdleConnections<>(reuse.connections(), reuse.idleTime(), clock, SmtpRelayDelivery::quit);
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        Properties properties = new Properties();
        String millis = String.valueOf(timeout.toMillis());
        properties.setProperty("mail.smtp.connectiontimeout", millis);
        properties.setProperty("mail.smtp.timeout", millis);
        properties.setProperty("mail.smtp.localhost", heloName);
        // addresses with UTF-8 (SMTPUTF8) go out as UTF-8, not mangled to '?'
        properties.setProperty("mail.mime.allowutf8", "true");
        this.session = Session.getInstance(properties);
    }

    /**
     * The relay delivery the settings ask for; fails naming the key when the relay URL is unusable.
     *
     * @param maxAttempts the broker's deliveries of one mail: the last one dead-letters a still deferred recipient
     */
    public static SmtpRelayDelivery from(MailgridConfig config, int maxAttempts) {
        String value = config.string(DeliverySettingsCatalog.DELIVERY_RELAY);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !"smtp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new ConfigException(DeliverySettingsCatalog.DELIVERY_RELAY + ": expected smtp://host:port, got '" + value + "'");
        }
        String helo = config.string(DeliverySettingsCatalog.DELIVERY_RELAY_HELO, localHostName());
        Reuse reuse = new Reuse(config.integer(DeliverySettingsCatalog.DELIVERY_RELAY_CONNECTIONS, 0),
                config.duration(DeliverySettingsCatalog.DELIVERY_RELAY_IDLE_TIME));
        return new SmtpRelayDelivery(uri.getHost(), uri.getPort() < 0 ? 25 : uri.getPort(),
                config.duration(DeliverySettingsCatalog.DELIVERY_RELAY_TIMEOUT), helo, maxAttempts, reuse, Clock.systemUTC());
    }

    /**
     * Relays the mail. The fence is asked before MAIL FROM and again before the final dot of DATA,
     * the last moment a delivery can still be taken back (docs/adr/0017).
     *
     * @return the relay's reply to the end of DATA for the recipients it took (one line, control
     *         characters escaped, at most 200 characters of its text)
     */
    @Override
    public Optional<String> deliver(Map<String, Object> properties, byte[] mail, DeliveryFence fence)
            throws TemporaryDeliveryException, PermanentDeliveryException {
        properties.remove(MailProperty.DEFERRED_RCPT);
        properties.remove(MailProperty.REFUSED_RCPT);
        properties.remove(MailProperty.REFUSED_REASON);
        Envelope envelope = Envelope.fromHeaders(properties);
        int attempt = number(properties.get(MailProperty.RELAY_ATTEMPTS), 0)
                + number(properties.get(MailProperty.DELIVERY_COUNT), 1);
        Outcome outcome = send(envelope, Stamp.render(properties, mail), mail, fence);

        if (outcome.deferred.isEmpty() && outcome.refused.isEmpty()) {
            LOG.info("Mail {} relayed to {} for {} recipient(s), answered {} ms after the last fence check", envelope.mailId(),
                    relay(), outcome.accepted.size(), outcome.answeredAfterFenceMillis());
            return Optional.ofNullable(outcome.dataReply);
        }
        if (attempt >= maxAttempts && !outcome.deferred.isEmpty()) {
            outcome.deferred.forEach((rcpt, reply) -> outcome.refused.put(rcpt,
                    "still deferred at attempt " + attempt + " of " + maxAttempts + ": " + reply));
            outcome.deferred.clear();
        }
        if (outcome.accepted.isEmpty() && outcome.refused.isEmpty()) {
            throw new TemporaryDeliveryException("relay " + relay() + " deferred the mail: " + describe(outcome.deferred), null);
        }
        if (outcome.accepted.isEmpty() && outcome.deferred.isEmpty()) {
            throw new PermanentDeliveryException("relay " + relay() + " refused " + describe(outcome.refused));
        }
        // a mix: what the relay took is done; the route hands on the rest in this transaction
        if (!outcome.refused.isEmpty()) {
            properties.put(MailProperty.REFUSED_RCPT, String.join(",", outcome.refused.keySet()));
            properties.put(MailProperty.REFUSED_REASON, "relay " + relay() + " refused " + describe(outcome.refused));
        }
        if (!outcome.deferred.isEmpty()) {
            properties.put(MailProperty.DEFERRED_RCPT, String.join(",", outcome.deferred.keySet()));
        }
        LOG.info("Mail {} relayed to {} for {} recipient(s); deferred {}; refused {}; answered {} ms after the last fence"
                + " check", envelope.mailId(), relay(), outcome.accepted.size(), describe(outcome.deferred),
                describe(outcome.refused), outcome.answeredAfterFenceMillis());
        return Optional.ofNullable(outcome.dataReply);
    }

    @Override
    public String describe() {
        return "SMTP relay " + relay();
    }

    private Outcome send(Envelope envelope, byte[] stamp, byte[] mail, DeliveryFence fence)
            throws TemporaryDeliveryException, PermanentDeliveryException {
        Outcome outcome = new Outcome();
        long size = stamp.length + (long) mail.length;
        RelayConnection connection = idle.take().orElse(null);
        boolean keep = false;
        try {
            RelayConnection.Reply reply = null;
            if (connection != null) {
                fence.check("MAIL FROM");
                reply = mailFromOnIdle(connection, envelope, size);
                if (reply == null) {
                    // the relay closed it while it waited for this mail (its idle timeout, a restart): no
                    // transaction had begun, so a new connection loses and repeats nothing
                    LOG.debug("An idle connection to relay {} was closed by the relay; opening a new one", relay());
                    connection.abort();
                    connection = null;
                }
            }
            if (connection == null) {
                connection = open();
                fence.check("MAIL FROM");
                reply = connection.command(mailFrom(connection, envelope, size));
            }
            if (reply.permanent()) {
                throw new PermanentDeliveryException("relay " + relay() + " refused the sender <" + envelope.mailFrom()
                        + ">: " + reply);
            }
            if (!reply.positive()) {
                throw new TemporaryDeliveryException("relay " + relay() + " deferred the sender <" + envelope.mailFrom()
                        + ">: " + reply, null);
            }
            for (String recipient : envelope.recipients()) {
                reply = connection.command("RCPT TO:<" + recipient + ">");
                if (reply.code() < 0) {
                    throw new TemporaryDeliveryException("relay " + relay() + " closed the connection: " + reply, null);
                }
                if (reply.positive()) {
                    outcome.accepted.add(recipient);
                } else if (reply.permanent()) {
                    outcome.refused.put(recipient, reply.toString());
                } else {
                    outcome.deferred.put(recipient, reply.toString());
                }
            }
            if (outcome.accepted.isEmpty()) {
                keep = connection.command("RSET").code() == 250;
                return outcome;
            }
            reply = connection.data(stamp, mail, fence);
            outcome.answeredAfterFenceNanos = connection.answeredAfterFenceNanos();
            if (reply.code() < 0) {
                throw new TemporaryDeliveryException("relay " + relay() + " closed the connection during DATA", null);
            }
            if (reply.positive()) {
                outcome.dataReply = reply.printable();
            } else {
                for (String recipient : outcome.accepted) {
                    (reply.permanent() ? outcome.refused : outcome.deferred).put(recipient, reply.toString());
                }
                outcome.accepted.clear();
            }
            // only a transaction the relay closed with 250 leaves the session clean for the next mail
            keep = reply.code() == 250;
            return outcome;
        } catch (MessagingException | java.io.IOException e) {
            if (connection != null) {
                // broken or out of step (a reply that came too late must answer nothing): no QUIT, no final dot
                connection.abort();
                connection = null;
            }
            throw new TemporaryDeliveryException("relay " + relay() + " connection failed: " + message(e), e);
        } finally {
            if (connection != null) {
                if (keep) {
                    idle.give(connection);
                } else {
                    quit(connection);
                }
            }
        }
    }

    /**
     * MAIL FROM on a connection kept from an earlier mail; {@code null} if the relay closed it
     * meanwhile (no reply, a failed write, or 421: the relay is closing the session).
     */
    private RelayConnection.Reply mailFromOnIdle(RelayConnection connection, Envelope envelope, long size) {
        try {
            RelayConnection.Reply reply = connection.command(mailFrom(connection, envelope, size));
            return reply.code() < 0 || reply.code() == 421 ? null : reply;
        } catch (MessagingException e) {
            return null;
        }
    }

    /** A new connection to the relay, greeted. */
    private RelayConnection open() throws TemporaryDeliveryException {
        RelayConnection connection = new RelayConnection(session, new URLName("smtp", host, port, null, null, null));
        try {
            connection.open(host, port, timeout);
            return connection;
        } catch (MessagingException | java.io.IOException e) {
            quit(connection);
            connection.abort();
            throw new TemporaryDeliveryException("relay " + relay() + " not usable: " + message(e), e);
        }
    }

    private static String mailFrom(RelayConnection connection, Envelope envelope, long size) {
        return "MAIL FROM:<" + envelope.mailFrom() + ">" + mailParameters(connection, envelope, size);
    }

    /** Ends a connection with QUIT (best effort: a broken one is only closed). */
    private static void quit(RelayConnection connection) {
        try {
            connection.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("Closing the relay connection failed: {}", e.toString());
        }
    }

    /** Closes the connections kept for reuse (node stop). */
    @Override
    public void close() {
        idle.close();
    }

    /** SIZE and BODY=8BITMIME when the relay supports them; SMTPUTF8 for addresses beyond ASCII. */
    private static String mailParameters(RelayConnection connection, Envelope envelope, long size) {
        StringBuilder parameters = new StringBuilder();
        if (connection.supportsExtension("SIZE")) {
            parameters.append(" SIZE=").append(size);
        }
        if (connection.supportsExtension("8BITMIME")) {
            parameters.append(" BODY=8BITMIME");
        }
        List<String> addresses = new ArrayList<>(envelope.recipients());
        addresses.add(envelope.mailFrom());
        boolean ascii = addresses.stream().allMatch(a -> a.chars().allMatch(c -> c < 0x80));
        if (!ascii && connection.supportsExtension("SMTPUTF8")) {
            parameters.append(" SMTPUTF8");
        }
        return parameters.toString();
    }

    private String relay() {
        return host + ":" + port;
    }

    private static String describe(Map<String, String> replies) {
        List<String> parts = new ArrayList<>();
        replies.forEach((rcpt, reply) -> parts.add("<" + rcpt + ">: " + reply));
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static String message(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString().replace('\n', ' ').strip();
    }

    private static int number(Object value, int fallback) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        return value == null ? fallback : Integer.parseInt(value.toString());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** What the relay said, per recipient. */
    private static final class Outcome {
        final List<String> accepted = new ArrayList<>();
        final Map<String, String> deferred = new LinkedHashMap<>();
        final Map<String, String> refused = new LinkedHashMap<>();
        long answeredAfterFenceNanos = -1;
        /** The reply to the end of DATA when it accepted the mail, printable. */
        String dataReply;

        String answeredAfterFenceMillis() {
            if (answeredAfterFenceNanos < 0) {
                return String.format(java.util.Locale.ROOT, "%.1f", answeredAfterFenceNanos / 1e6);
            }
            // as %.1f writes it, without a Formatter per relayed mail (issue 12: as costly as the relay dialogue)
            long tenths = (answeredAfterFenceNanos + 50_000) / 100_000;
            return (tenths / 10) + "." + (tenths % 10);
        }
    }
}
