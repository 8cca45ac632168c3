package io.mailgrid.ingress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The SMTP listener's settings, checked once at start-up.
 *
 * <table>
 * <caption>Keys (all in config/mailgrid.properties)</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.smtp.port}</td><td>0-65535, 0 = no listener</td><td>2525</td></tr>
 * <tr><td>{@code mailgrid.smtp.bind-address}</td><td>IP literal or host name</td><td>127.0.0.1</td></tr>
 * <tr><td>{@code mailgrid.smtp.allowed-networks}</td><td>CIDR list, required unless the bind address is loopback</td><td>empty = loopback clients</td></tr>
 * <tr><td>{@code mailgrid.smtp.size-limit}</td><td>bytes, at least 1</td><td>10485760</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-recipients}</td><td>at least 1</td><td>1000</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-line-length}</td><td>bytes, at least 998</td><td>65536</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-connections}</td><td>at least 1</td><td>16</td></tr>
 * <tr><td>{@code mailgrid.smtp.idle-timeout}</td><td>duration</td><td>5m</td></tr>
 * </table>
 *
 * @param port           listening port, 0 when SMTP is off
 * @param bindAddress    address the listener binds to
 * @param allowedClients who may send
 * @param sizeLimit      largest mail in bytes
 * @param maxRecipients  most RCPT TO per mail
 * @param maxLineLength  longest line of a mail, in bytes without the line ending
 * @param maxConnections most connections at once
 * @param idleTimeout    how long a connection may stay silent
 */
public record SmtpSettings(int port, InetAddress bindAddress, ClientNetworks allowedClients, int sizeLimit,
        int maxRecipients, int maxLineLength, int maxConnections, Duration idleTimeout) {

    /** Reads and checks the settings; fails naming the key when one is unusable. */
    public static SmtpSettings from(MailgridConfig config) {
        int port = config.integer(MailgridConfig.SMTP_PORT, 0);
        if (port > 65535) {
            throw new ConfigException(MailgridConfig.SMTP_PORT + ": must be 0 to 65535, got " + port);
        }
        String bind = config.string(MailgridConfig.SMTP_BIND_ADDRESS);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigException(MailgridConfig.SMTP_BIND_ADDRESS + ": unknown address '" + bind + "'");
        }
        ClientNetworks networks;
        try {
            networks = ClientNetworks.parse(config.string(MailgridConfig.SMTP_ALLOWED_NETWORKS, ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(MailgridConfig.SMTP_ALLOWED_NETWORKS + ": " + e.getMessage());
        }
        if (port != 0 && !address.isLoopbackAddress() && networks.isEmpty() && !config.isSet(MailgridConfig.SMTP_AUTH_USERS_FILE)) {
            // a listener others can reach must say who may use it (networks, or AUTH): never an open relay
            throw new ConfigException(MailgridConfig.SMTP_BIND_ADDRESS + " is " + bind
                    + ", which other machines can reach: list the client networks allowed to send in "
                    + MailgridConfig.SMTP_ALLOWED_NETWORKS + " (e.g. 10.1.0.0/16), require AUTH ("
                    + MailgridConfig.SMTP_AUTH_USERS_FILE + "), or bind to 127.0.0.1");
        }
        int maxLine = config.integer(MailgridConfig.SMTP_MAX_LINE_LENGTH, 998);
        return new SmtpSettings(port, address, networks,
                config.integer(MailgridConfig.SMTP_SIZE_LIMIT, 1),
                config.integer(MailgridConfig.SMTP_MAX_RECIPIENTS, 1),
                maxLine,
                config.integer(MailgridConfig.SMTP_MAX_CONNECTIONS, 1),
                config.duration(MailgridConfig.SMTP_IDLE_TIMEOUT));
    }

    /** Whether the node runs an SMTP listener at all. */
    public boolean enabled() {
        return port != 0;
    }
}
