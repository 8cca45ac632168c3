package io.mailgrid.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * Who may use the SMTP listener, and how. Clients in {@code mailgrid.smtp.allowed-networks}
 * (loopback clients when none are listed) send as they always did. With STARTTLS and AUTH
 * configured, any other client may connect too, but must STARTTLS, then AUTH PLAIN or LOGIN,
 * before MAIL FROM. AUTH is refused on a connection without TLS, so no password crosses the
 * network in the clear.
 *
 * <table>
 * <caption>Keys (all in config/mailgrid.properties)</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.smtp.tls.key-store}</td><td>PKCS12 file, optional</td><td>empty = no STARTTLS</td></tr>
 * <tr><td>{@code mailgrid.smtp.tls.key-store-password}</td><td>its password</td><td>empty</td></tr>
 * <tr><td>{@code mailgrid.smtp.auth.users-file}</td><td>{@link SmtpUsers} file, optional; needs the key store</td><td>empty = no AUTH</td></tr>
 * <tr><td>{@code mailgrid.smtp.xforward-clients}</td><td>CIDR list of clients offered XFORWARD</td><td>empty = none</td></tr>
 * </table>
 */
public final class SmtpAccess {

    /** What a client gets at connect time. */
    public enum Admission {
        /** In the allowed networks: may send without AUTH. */
        TRUSTED,
        /** Elsewhere, with AUTH configured: may connect, must STARTTLS and AUTH before MAIL FROM. */
        AUTH_REQUIRED,
        /** Elsewhere, without AUTH: 554 at connect. */
        REFUSED
    }

    private final ClientNetworks trusted;
    private final Optional<SSLContext> tls;
    private final Optional<SmtpUsers> users;
    private final ClientNetworks xforward;

    private SmtpAccess(ClientNetworks trusted, Optional<SSLContext> tls, Optional<SmtpUsers> users, ClientNetworks xforward) {
        this.trusted = trusted;
        this.tls = tls;
        this.users = users;
        this.xforward = xforward;
    }

    /** The allowed networks only: no STARTTLS, no AUTH, no XFORWARD. */
    public static SmtpAccess trustedNetworksOnly(ClientNetworks trusted) {
        return new SmtpAccess(trusted, Optional.empty(), Optional.empty(), ClientNetworks.parse(""));
    }

    /** The clients offered Postfix's XFORWARD (empty: nobody). */
    ClientNetworks xforwardClients() {
        return xforward;
    }

    /**
     * Reads and checks the STARTTLS and AUTH settings; fails naming the key when one is unusable
     * (unreadable key store or users file, AUTH without STARTTLS).
     */
    public static SmtpAccess from(MailgridConfig config, SmtpSettings settings) {
        Optional<SSLContext> tls = Optional.empty();
        if (config.isSet(IngressSettingsCatalog.SMTP_TLS_KEY_STORE)) {
            tls = Optional.of(sslContext(Path.of(config.string(IngressSettingsCatalog.SMTP_TLS_KEY_STORE)),
                    config.string(IngressSettingsCatalog.SMTP_TLS_KEY_STORE_PASSWORD, "")));
        }
        Optional<SmtpUsers> users = Optional.empty();
        if (config.isSet(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE)) {
            if (tls.isEmpty()) {
                throw new ConfigException(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE + " is set, but " + IngressSettingsCatalog.SMTP_TLS_KEY_STORE
                        + " is not: AUTH is offered only after STARTTLS, so the listener needs its key store");
            }
            users = Optional.of(SmtpUsers.load(Path.of(config.string(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE))));
        }
        ClientNetworks xforward;
        try {
            xforward = ClientNetworks.parse(config.string(IngressSettingsCatalog.SMTP_XFORWARD_CLIENTS, ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_XFORWARD_CLIENTS + ": " + e.getMessage());
        }
        return new SmtpAccess(settings.allowedClients(), tls, users, xforward);
    }

    /** Adds STARTTLS and AUTH to the listener, as configured. */
    public SMTPServer.Builder configure(SMTPServer.Builder builder) {
        tls.ifPresent(context -> builder.enableTLS().startTlsSocketFactory(context));
        users.ifPresent(validator -> builder.authenticationHandlerFactory(new TlsOnly(new EasyAuthenticationHandlerFactory(validator))));
        return builder;
    }

    /** What a client at this address gets when it connects. */
    public Admission admit(InetAddress client) {
        if (trusted.allows(client)) {
            return Admission.TRUSTED;
        }
        return users.isPresent() ? Admission.AUTH_REQUIRED : Admission.REFUSED;
    }

    /**
     * Checked at MAIL FROM: a client outside the allowed networks must have authenticated.
     *
     * @throws RejectException 530 5.7.0 if it has not
     */
    public void requireSender(MessageContext context) throws RejectException {
        InetAddress client = ((InetSocketAddress) context.getRemoteAddress()).getAddress();
        if (admit(client) != Admission.TRUSTED && context.getAuthenticationHandler().isEmpty()) {
            throw new RejectException(530, "5.7.0 Authentication required: STARTTLS, then AUTH");
        }
    }

    /** What the listener offers, for the start-up log line. */
    @Override
    public String toString() {
        return "clients: " + trusted + (tls.isPresent() ? ", STARTTLS" : "")
                + users.map(u -> ", AUTH PLAIN LOGIN for " + u.size() + " user(s) elsewhere").orElse("")
                + (xforward.isEmpty() ? "" : ", XFORWARD from " + xforward);
    }

    private static SSLContext sslContext(Path file, String password) {
        String key = IngressSettingsCatalog.SMTP_TLS_KEY_STORE;
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot use " + file + " as a PKCS12 key store (is "
                    + IngressSettingsCatalog.SMTP_TLS_KEY_STORE_PASSWORD + " right?): " + e.getMessage(), e);
        }
    }

    /** AUTH only on a connection that has switched to TLS; 538 (RFC 4954) otherwise. */
    private record TlsOnly(AuthenticationHandlerFactory delegate) implements AuthenticationHandlerFactory {
        @Override
        public List<String> getAuthenticationMechanisms() {
            return delegate.getAuthenticationMechanisms();
        }

        @Override
        public AuthenticationHandler create() {
            AuthenticationHandler handler = delegate.create();
            return new AuthenticationHandler() {
                @Override
                public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
                    if (!(context instanceof Session session && session.isTLSStarted())) {
                        throw new RejectException(538, "5.7.11 Encryption required: STARTTLS first, then AUTH");
                    }
                    return handler.auth(clientInput, context);
                }

                @Override
                public Object getIdentity() {
                    return handler.getIdentity();
                }
            };
        }
    }
}
