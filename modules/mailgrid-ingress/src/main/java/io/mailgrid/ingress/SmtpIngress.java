package io.mailgrid.ingress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.server.ConcurrentSessionsBySourceLimiter;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

import io.mailgrid.core.BrokerFault;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MemoryBudget;

/**
 * The node's SMTP listener: each mail is published to the node's mailbox, and the client hears
 * 250 only once the broker has stored it ({@link MailPublisher#publish} returned). If the broker
 * does not confirm, the client hears {@code 451 4.3.0} and keeps the mail to try again.
 *
 * <p>The envelope (MAIL FROM, every RCPT TO, client address, HELO name, received time) travels
 * with the mail as message properties; the body is exactly the bytes the client sent, after SMTP
 * dot-unstuffing. No Received header is added: the mail is unchanged until delivery stamps it.
 *
 * <p>The body is held once, in chunks reserved from the node's {@link MemoryBudget} (shared with
 * the grabbers and deliveries) as it arrives, and streamed from there to the broker. While the
 * budget is exhausted the client hears {@code 452 4.3.1}: at MAIL FROM when its declared SIZE (or
 * one chunk) does not fit, after DATA when the mail outgrew the free budget while it arrived.
 * After DATA it is also {@code 452 4.3.1} when the broker did not take the mail within
 * {@code mailgrid.broker.send-timeout}: it holds back new messages, its disk being full
 * ({@link PublishHeldBackException}); nothing was stored. A broker that cannot be reached, or does not
 * answer in time for a reason its client cannot see, is not full: the client hears {@code 451 4.3.0
 * Mail system unavailable} ({@link PublishUnavailableException}, docs/adr/0048).
 *
 * <p>A mail with a Message-ID is published with its {@link ResendKey}: a mail the cluster already
 * stored, sent again to any node because its 250 was lost, is answered 250 and not stored again.
 *
 * <p>Replies besides 250: 452 4.5.3 past {@code max-recipients}; 553 5.1.3 (5.1.7 for the sender)
 * for addresses that cannot travel in the envelope (whitespace, ',' or angle brackets); 552 5.3.4
 * over {@code size-limit} (also at MAIL FROM when the client declares SIZE); 500 5.5.2 for a line
 * longer than {@code max-line-length}; 554 5.7.1 at connect for a client outside
 * {@code allowed-networks}; 421 when the node is stopping, too many connections are open (in all,
 * or from the client's address), the client stays silent past {@code idle-timeout}, its session
 * outlasts {@code session-timeout}, its mail takes longer than {@code data-timeout} to arrive or it
 * sends {@code max-commands-without-progress} commands without a mail accepted
 * ({@link ConnectionLimits}). Unknown or malformed commands get 5xx and the session goes on. See
 * {@link SmtpSettings} for the keys. With STARTTLS and
 * AUTH ({@link SmtpAccess}), clients outside {@code allowed-networks} may connect and hear 530 5.7.0
 * at MAIL FROM until they authenticated, and 538 5.7.11 for AUTH before STARTTLS.
 */
public final class SmtpIngress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpIngress.class);
    private static final String INSUFFICIENT_STORAGE = "4.3.1 Insufficient system storage (memory for mail in use), try again later";
    private static final String BROKER_HOLDS_BACK = "4.3.1 Mail system full (the queue store takes no new mail now,"
            + " its disk is full), try again later";
    private static final String BROKER_UNREACHABLE = "4.3.0 Mail system unavailable (the queue store cannot be reached"
            + " now), try again later";
    private static final String BROKER_SILENT = "4.3.0 Mail system unavailable (the queue store did not answer in"
            + " time), try again later";

    private final SmtpSettings settings;
    private final SmtpAccess access;
    private final MailPublisher publisher;
    private final MemoryBudget budget;
    private final String node;
    private final Clock clock;
    private final Duration stopTimeout;
    private final Object lock = new Object();
    private int receiving;
    private volatile boolean closing;
    private SMTPServer server;
    private final Map<Session, ConnectionLimits> limits = new ConcurrentHashMap<>();
    private final XforwardExtension xforward;

    /**
     * @param settings    listener settings
     * @param publisher   publishes accepted mail to the broker
     * @param budget      the node's memory budget for mail, which received mail is buffered in
     * @param node        this node's name: the mail's origin and mailbox
     * @param clock       source of the received time and of the connections' deadlines
     * @param stopTimeout how long {@link #close()} lets mails being received finish
     */
    public SmtpIngress(SmtpSettings settings, MailPublisher publisher, MemoryBudget budget, String node, Clock clock,
            Duration stopTimeout) {
        this(settings, SmtpAccess.trustedNetworksOnly(settings.allowedClients()), publisher, budget, node, clock,
                stopTimeout);
    }

    /**
     * A listener that also offers STARTTLS and AUTH as {@code access} says.
     *
     * @param access who may send: the allowed networks, and with AUTH authenticated clients elsewhere
     */
    public SmtpIngress(SmtpSettings settings, SmtpAccess access, MailPublisher publisher, MemoryBudget budget,
            String node, Clock clock, Duration stopTimeout) {
        settings.requireFits(budget);
        this.settings = settings;
        this.access = access;
        this.publisher = publisher;
        this.budget = budget;
        this.node = node;
        this.clock = clock;
        this.stopTimeout = stopTimeout;
        this.xforward = new XforwardExtension(access.xforwardClients());
    }

    /**
     * Starts listening.
     *
     * @throws ConfigException if the address cannot be bound (port in use, address not local)
     */
    public void start() {
        SMTPServer smtp = access.configure(SMTPServer.port(settings.port()))
                .bindAddress(settings.bindAddress())
                .hostName(hostName())
                .softwareName("Mailgrid")
                .messageHandlerFactory(Transaction::new)
                .sessionHandler(new Admission())
                .insertReceivedHeaders(false)
                .maxMessageSize(settings.sizeLimit())
                .maxRecipients(-1) // counted by Transaction, to answer with an enhanced status code
                .maxConnections(settings.maxConnections())
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()))
                // every connection keeps to its session, DATA and command limits (and the idle timeout)
                .serverSocketFactory(() -> new LimitedServerSocket(settings, clock))
                .serverThreadName("mailgrid-smtp-" + settings.port())
                .build();
        xforward.install(smtp);
        try {
            smtp.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigException("cannot listen for SMTP on " + address() + ": " + cause.getMessage()
                    + " (choose another " + IngressSettingsCatalog.SMTP_PORT + " or --smtp-port, 0 disables SMTP)", e);
        }
        server = smtp;
        LOG.info("SMTP listening on {} ({}, size limit {} bytes, at most {} connections, {} per client)",
                address(), access, settings.sizeLimit(), settings.maxConnections(), settings.maxConnectionsPerClient());
    }

    /** Where the listener is, {@code host:port}. */
    public String address() {
        String host = settings.bindAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + settings.port();
    }

    /**
     * Stops listening: new connections and transactions get 421, mails being received get up to
     * the stop timeout to be stored and confirmed, then every connection is closed.
     */
    @Override
    public void close() {
        closing = true;
        if (server == null) {
            return;
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        synchronized (lock) {
            while (receiving > 0 && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (receiving > 0) {
                LOG.warn("SMTP stopping with {} mail(s) still being received; their clients will retry", receiving);
            }
        }
        server.stop();
        server = null;
        LOG.info("SMTP on {} stopped", address());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Decides at connect time whether a client may talk to us at all. */
    private final class Admission implements SessionHandler {
        private final ConcurrentSessionsBySourceLimiter perClient = new ConcurrentSessionsBySourceLimiter(
                settings.maxConnectionsPerClient(), 421, "4.7.0 Too many connections from your address ("
                        + IngressSettingsCatalog.SMTP_MAX_CONNECTIONS_PER_CLIENT + "), try again later");

        @Override
        public SessionAcceptance accept(Session session) {
            if (closing) {
                return SessionAcceptance.failure(421, "4.3.2 Mailgrid node is stopping, try again later");
            }
            InetAddress client = session.getRemoteAddress().getAddress();
            if (access.admit(client) == SmtpAccess.Admission.REFUSED) {
                LOG.warn("SMTP client {} refused: not in {}", client.getHostAddress(), IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS);
                return SessionAcceptance.failure(554, "5.7.1 Access denied: " + client.getHostAddress()
                        + " may not send mail here");
            }
            SessionAcceptance admitted = perClient.accept(session); // counted from here until onSessionEnd
            if (!admitted.accepted()) {
                LOG.info("SMTP client {} refused: already {} connections from it", client.getHostAddress(),
                        settings.maxConnectionsPerClient());
                return admitted;
            }
            if (session.getSocket() instanceof LimitedServerSocket.LimitedSocket limited) {
                limited.attach(session);
                limits.put(session, limited.limits());
            }
            return admitted;
        }

        @Override
        public void onSessionEnd(Session session) {
            limits.remove(session);
            xforward.forget(session);
            perClient.onSessionEnd(session);
        }
    }

    /** One mail transaction: MAIL FROM, every RCPT TO, DATA. */
    private final class Transaction implements MessageHandler {
        private final MessageContext context;
        private final Set<String> recipients = new LinkedHashSet<>();
        private String from = "";
        private ForwardedClient forwarded = ForwardedClient.none();

        Transaction(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String sender) throws RejectException {
            if (closing) {
                throw new DropConnectionException(421, "4.3.2 Mailgrid node is stopping, try again later");
            }
            access.requireSender(context);
            if (!Envelope.isAcceptableAddress(sender)) {
                throw new RejectException(553, "5.1.7 Sender address not accepted (whitespace, ',' or angle brackets): "
                        + printable(sender));
            }
            int declared = context instanceof Session session ? session.getDeclaredMessageSize() : 0;
            if (!budget.couldReserveNow(Math.max(declared, MailBuffer.CHUNK))) {
                LOG.info("SMTP mail from {} ({}) deferred at MAIL FROM: {} bytes do not fit the memory budget now",
                        printable(sender), client(), declared);
                throw new RejectException(452, INSUFFICIENT_STORAGE);
            }
            from = sender;
            if (context instanceof Session session) {
                forwarded = xforward.take(session); // what XFORWARD said before this MAIL FROM
            }
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            if (recipient.isEmpty() || !Envelope.isAcceptableAddress(recipient)) {
                throw new RejectException(553, "5.1.3 Recipient address not accepted (empty, whitespace, ',' or angle brackets): "
                        + printable(recipient));
            }
            if (recipients.size() >= settings.maxRecipients() && !recipients.contains(recipient)) {
                throw new RejectException(452, "4.5.3 Too many recipients (at most " + settings.maxRecipients()
                        + " per mail; send the rest in another mail)");
            }
            if (recipients.add(recipient)) {
                limits().ifPresent(ConnectionLimits::recipientAccepted);
            }
        }

        private Optional<ConnectionLimits> limits() {
            return context instanceof Session session ? Optional.ofNullable(limits.get(session)) : Optional.empty();
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            synchronized (lock) {
                receiving++;
            }
            Optional<ConnectionLimits> connection = limits();
            connection.ifPresent(l -> l.dataStarted(clock.instant()));
            try (MailBuffer buffer = new MailBuffer(budget)) {
                BodyReader.Result body;
                try {
                    body = BodyReader.read(data, buffer, settings.sizeLimit(), settings.maxLineLength());
                } catch (EOFException e) {
                    // hung up, or cut off by a limit, before the final dot: nothing is stored
                    if (!connection.map(ConnectionLimits::wasCutOff).orElse(false)) {
                        LOG.info("SMTP client {} hung up in the middle of a mail from {}: nothing stored", client(),
                                printable(from));
                    }
                    throw new DropConnectionException(421, "4.4.2 Connection lost in the middle of the mail");
                } finally {
                    connection.ifPresent(ConnectionLimits::dataEnded); // the DATA limit ends with the final dot
                }
                String reply = receive(buffer, body);
                connection.ifPresent(ConnectionLimits::mailAccepted);
                return reply;
            } finally {
                synchronized (lock) {
                    receiving--;
                    lock.notifyAll();
                }
            }
        }

        private String receive(MailBuffer buffer, BodyReader.Result body) throws RejectException {
            String client = client();
            if (body.refusal().isPresent()) {
                switch (body.refusal().get()) {
                    case TOO_LARGE -> {
                        LOG.info("SMTP mail from {} ({}) refused: larger than {} bytes", printable(from), client,
                                settings.sizeLimit());
                        throw endTransaction(552, "5.3.4 Message size exceeds fixed maximum message size of "
                                + settings.sizeLimit() + " bytes");
                    }
                    case LINE_TOO_LONG -> {
                        LOG.info("SMTP mail from {} ({}) refused: a line of {} bytes", printable(from), client,
                                body.longestLine());
                        throw endTransaction(500, "5.5.2 Line too long: at most " + settings.maxLineLength()
                                + " bytes per line");
                    }
                    case NO_MEMORY -> {
                        LOG.info("SMTP mail from {} ({}, {} bytes) deferred: it outgrew the free memory budget",
                                printable(from), client, body.size());
                        throw endTransaction(452, INSUFFICIENT_STORAGE);
                    }
                }
            }
            // the resend key is taken from the bytes as received; the stamp fields a sender forged go after that
            Optional<String> resendKey = ResendKey.of(buffer, body.sha256(), from, recipients);
            Optional<MailBody> rewritten = IngressHeaders.rewrite(buffer, IngressHeaders.Recipients.GIVEN);
            if (rewritten.isEmpty()) {
                LOG.info("SMTP mail from {} ({}, {} bytes) deferred: no memory left to rewrite its header block",
                        printable(from), client, buffer.length());
                throw endTransaction(452, INSUFFICIENT_STORAGE);
            }
            MailBody mail = rewritten.get();
            Envelope envelope = Envelope.received(node, from, new ArrayList<>(recipients), IngressSource.SMTP.wireName(), clock.instant(),
                    mail.length()).withSmtpClient(forwarded.address(connected()).orElse(null),
                            forwarded.helo(context.getHelo().orElse(null)).orElse(null));
            // every line about this mail from here on names it, as the grabber's and delivery's do; the
            // session thread goes on to the client's next mail without it
            try (MDC.MDCCloseable mailId = MDC.putCloseable(MailProperty.MAIL_ID, envelope.mailId())) {
                MailPublisher.Outcome outcome;
                try {
                    outcome = publisher.publish(envelope, mail, resendKey);
                } catch (PublishHeldBackException e) {
                    LOG.warn("SMTP mail from {} ({}) deferred with 452, client told to retry: {}", printable(from), client,
                            e.getMessage());
                    throw endTransaction(452, BROKER_HOLDS_BACK);
                } catch (PublishUnavailableException e) {
                    LOG.warn("SMTP mail from {} ({}) deferred with 451, client told to retry: {}", printable(from), client,
                            e.getMessage());
                    throw endTransaction(451, e.fault() == BrokerFault.UNREACHABLE ? BROKER_UNREACHABLE : BROKER_SILENT);
                } catch (PublishException e) {
                    LOG.warn("SMTP mail from {} ({}) not accepted, client told to retry: {}", printable(from), client, e.getMessage());
                    throw endTransaction(451, "4.3.0 Mail not stored, try again later");
                }
                if (outcome == MailPublisher.Outcome.ALREADY_STORED) {
                    LOG.info("SMTP mail from {} ({}, {} bytes, {} recipients) was stored before (resend key {}): answered 250,"
                            + " not stored again", printable(from), client, buffer.length(), recipients.size(),
                            resendKey.orElse("-"));
                    return "2.0.0 Ok: already queued (this mail was received before)";
                }
                LOG.info("Accepted mail {} over SMTP from {} ({}, {} bytes, {} recipients)", envelope.mailId(),
                        printable(from), client, buffer.length(), recipients.size());
                return "2.0.0 Ok: queued as " + envelope.mailId();
            }
        }

        /**
         * The reply that refuses the mail. The transaction ends with it (RFC 5321 4.1.1.4: the
         * final reply to DATA clears the state), so the client can send MAIL FROM next without
         * RSET; the library only does that itself after a 250.
         */
        private RejectException endTransaction(int code, String text) {
            if (context instanceof Session session) {
                session.resetMailTransaction();
            }
            return new RejectException(code, text);
        }

        /** The client for log lines: the connecting address, or what XFORWARD said and via whom. */
        private String client() {
            return forwarded.describe(connected());
        }

        private String connected() {
            InetSocketAddress remote = (InetSocketAddress) context.getRemoteAddress();
            return remote.getAddress().getHostAddress();
        }

        @Override
        public void done() {
            // nothing to release: the body and its memory live only inside data()
        }
    }

    /** An address for a reply or log line: printable ASCII only, never a line break. */
    private static String printable(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), 200) + 2).append('<');
        for (int i = 0; i < text.length() && i < 200; i++) {
            char c = text.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return clean.append('>').toString();
    }
}
