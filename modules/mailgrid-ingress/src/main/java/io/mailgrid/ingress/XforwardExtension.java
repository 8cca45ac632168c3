package io.mailgrid.ingress;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;


/**
 * Postfix's XFORWARD on the SMTP listener (docs/adr/0033): offered in EHLO, and accepted, only for
 * clients in {@code mailgrid.smtp.xforward-clients}; anyone else hears 550 5.7.0. What a session
 * forwarded applies to its next mail transaction ({@link #take}).
 *
 * <p>SubEthaSMTP has no public hook for an extension command, so this adds two commands to the
 * server's command table: XFORWARD, and an EHLO that, for those clients only, advertises it beside
 * what the library's EHLO says (for every other client the library's own EHLO answers).
 */
final class XforwardExtension {

    private static final Logger LOG = LoggerFactory.getLogger(XforwardExtension.class);
    static final String KEYWORD = "XFORWARD " + Arrays.stream(ForwardedClient.Attribute.values())
            .map(Enum::name).collect(Collectors.joining(" "));

    private final ClientNetworks clients;
    private final Map<Session, ForwardedClient> forwarded = new ConcurrentHashMap<>();

    XforwardExtension(ClientNetworks clients) {
        this.clients = clients;
    }

    /** Adds XFORWARD and the EHLO that offers it to the server, unless no client may use it. */
    void install(SMTPServer server) {
        if (clients.isEmpty()) {
            return; // XFORWARD stays an unknown command, as before
        }
        CommandHandler commands = server.getCommandHandler();
        try {
            commands.addCommand(new Ehlo(commands.getCommand("EHLO")));
        } catch (Exception e) {
            throw new IllegalStateException("SubEthaSMTP has no EHLO command to extend", e);
        }
        commands.addCommand(new Xforward());
    }

    /** What the session forwarded for the mail transaction starting now; forgotten after. */
    ForwardedClient take(Session session) {
        ForwardedClient client = forwarded.remove(session);
        return client == null ? ForwardedClient.none() : client;
    }

    /** Drops what a session forwarded but never used (it ended). */
    void forget(Session session) {
        forwarded.remove(session);
    }

    private boolean offeredTo(Session session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        return clients.allows(client);
    }

    /** XFORWARD attribute=value ...: 250, or 501/503/550 with the reason. */
    private final class Xforward implements Command {
        @Override
        public void execute(String commandString, Session session) throws IOException {
            String client = session.getRemoteAddress().getAddress().getHostAddress();
            if (!offeredTo(session)) {
                LOG.warn("SMTP client {} sent XFORWARD but is not in {}: refused", client, IngressSettingsCatalog.SMTP_XFORWARD_CLIENTS);
                session.sendResponse("550 5.7.0 XFORWARD not allowed from " + client);
                return;
            }
            if (session.getHelo().isEmpty()) {
                session.sendResponse("503 5.5.1 Send EHLO first");
                return;
            }
            if (session.isMailTransactionInProgress()) {
                session.sendResponse("503 5.5.1 XFORWARD not allowed in the middle of a mail transaction");
                return;
            }
            String arguments = commandString.length() > "XFORWARD".length() ? commandString.substring("XFORWARD".length()) : "";
            try {
                forwarded.put(session, forwarded.getOrDefault(session, ForwardedClient.none()).with(arguments));
            } catch (IllegalArgumentException e) {
                session.sendResponse("501 5.5.4 " + e.getMessage());
                return;
            }
            session.sendResponse("250 2.0.0 Ok");
        }

        @Override
        public HelpMessage getHelp() {
            return new HelpMessage("XFORWARD", "attribute=value ...", "The original client of a content filter's MTA.");
        }

        @Override
        public String getName() {
            return "XFORWARD";
        }
    }

    /** The library's EHLO, with XFORWARD among the extensions for the clients that may use it. */
    private final class Ehlo implements Command {
        private final Command library;

        Ehlo(Command library) {
            this.library = library;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            String[] args = commandString.strip().split("\\s+");
            if (!offeredTo(session) || args.length < 2) {
                library.execute(commandString, session);
                return;
            }
            session.resetMailTransaction();
            session.setHelo(args[1]);
            forwarded.remove(session); // a new EHLO starts the session over
            session.sendResponse(reply(session));
        }

        /** The extensions the library's EHLO lists for this session (kept in step by XforwardExtensionTest), then XFORWARD. */
        private String reply(Session session) {
            SMTPServer server = session.getServer();
            StringBuilder reply = new StringBuilder("250-").append(server.getHostName()).append("\r\n250-8BITMIME");
            if (server.getMaxMessageSize() > 0) {
                reply.append("\r\n250-SIZE ").append(server.getMaxMessageSize());
            }
            if (server.getEnableTLS() && !server.getHideTLS()) {
                reply.append("\r\n250-STARTTLS");
            }
            reply.append("\r\n250-CHUNKING\r\n250-SMTPUTF8");
            boolean auth = server.getAuthenticationHandlerFactory().isPresent() && (session.isTLSStarted()
                    || !server.getRequireTLS() || server.getShowAuthCapabilitiesBeforeSTARTTLS());
            if (auth) {
                AuthenticationHandlerFactory factory = server.getAuthenticationHandlerFactory().get();
                if (!factory.getAuthenticationMechanisms().isEmpty()) {
                    reply.append("\r\n250-AUTH ").append(String.join(" ", factory.getAuthenticationMechanisms()));
                }
            }
            return reply.append("\r\n250-").append(KEYWORD).append("\r\n250 Ok").toString();
        }

        @Override
        public HelpMessage getHelp() throws org.subethamail.smtp.internal.server.CommandException {
            return library.getHelp();
        }

        @Override
        public String getName() {
            return "EHLO";
        }
    }
}
