package io.mailgrid.ingress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;

/**
 * The SMTP listener's settings, checked once at start-up.
 *
 * <table>
 * <caption>Keys (all in config/mailgrid.properties)</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.smtp.port}</td><td>0-65535, 0 = no listener</td><td>2525</td></tr>
 * <tr><td>{@code mailgrid.smtp.bind-address}</td><td>IP literal or host name</td><td>127.0.0.1</td></tr>
 * <tr><td>{@code mailgrid.smtp.allowed-networks}</td><td>CIDR list, required unless the bind address is loopback</td><td>empty = loopback clients</td></tr>
 * <tr><td>{@code mailgrid.smtp.size-limit}</td><td>size (25MB, 10485760), 1 byte to 2 GB - 1</td><td>10MB</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-recipients}</td><td>at least 1</td><td>1000</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-line-length}</td><td>bytes, at least 998</td><td>65536</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-connections}</td><td>at least 1</td><td>16</td></tr>
 * <tr><td>{@code mailgrid.smtp.idle-timeout}</td><td>duration</td><td>5m</td></tr>
 * <tr><td>{@code mailgrid.smtp.session-timeout}</td><td>duration, at least 1 ms</td><td>10m</td></tr>
 * <tr><td>{@code mailgrid.smtp.data-timeout}</td><td>duration, at least 1 ms</td><td>5m</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-connections-per-client}</td><td>at least 1; above max-connections, max-connections</td><td>8</td></tr>
 * <tr><td>{@code mailgrid.smtp.max-commands-without-progress}</td><td>at least 1</td><td>100</td></tr>
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
 * @param sessionTimeout how long one connection may last
 * @param dataTimeout    how long the body of one mail may take to arrive
 * @param maxConnectionsPerClient    most connections at once from one client address
 * @param maxCommandsWithoutProgress most commands a connection may send without a mail being accepted
 */
public record SmtpSettings(int port, InetAddress bindAddress, ClientNetworks allowedClients, int sizeLimit,
        int maxRecipients, int maxLineLength, int maxConnections, Duration idleTimeout, Duration sessionTimeout,
        Duration dataTimeout, int maxConnectionsPerClient, int maxCommandsWithoutProgress) {

    /** Reads and checks the settings; fails naming the key when one is unusable. */
    public static SmtpSettings from(MailgridConfig config) {
        int port = config.integer(IngressSettingsCatalog.SMTP_PORT, 0);
        if (port > 65535) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_PORT + ": must be 0 to 65535, got " + port);
        }
        String bind = config.string(IngressSettingsCatalog.SMTP_BIND_ADDRESS);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_BIND_ADDRESS + ": unknown address '" + bind + "'");
        }
        ClientNetworks networks;
        try {
            networks = ClientNetworks.parse(config.string(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS + ": " + e.getMessage());
        }
        if (port != 0 && !address.isLoopbackAddress() && networks.isEmpty() && !config.isSet(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE)) {
            // a listener others can reach must say who may use it (networks, or AUTH): never an open relay
            throw new ConfigException(IngressSettingsCatalog.SMTP_BIND_ADDRESS + " is " + bind
                    + ", which other machines can reach: list the client networks allowed to send in "
                    + IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS + " (e.g. 10.1.0.0/16), require AUTH ("
                    + IngressSettingsCatalog.SMTP_AUTH_USERS_FILE + "), or bind to 127.0.0.1");
        }
        int maxLine = config.integer(IngressSettingsCatalog.SMTP_MAX_LINE_LENGTH, 998);
        int maxConnections = config.integer(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS, 1);
        // above the overall limit it would never apply: then the overall limit is the one that counts
        int perClient = Math.min(maxConnections, config.integer(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS_PER_CLIENT, 1));
        return new SmtpSettings(port, address, networks,
                sizeLimit(config),
                config.integer(IngressSettingsCatalog.SMTP_MAX_RECIPIENTS, 1),
                maxLine,
                maxConnections,
                config.duration(IngressSettingsCatalog.SMTP_IDLE_TIMEOUT),
                positive(config, IngressSettingsCatalog.SMTP_SESSION_TIMEOUT),
                positive(config, IngressSettingsCatalog.SMTP_DATA_TIMEOUT),
                perClient,
                config.integer(IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS, 1));
    }

    /** A size with a unit, as every size key takes (25MB); the listener counts it in an int. */
    private static int sizeLimit(MailgridConfig config) {
        long bytes = config.bytes(IngressSettingsCatalog.SMTP_SIZE_LIMIT);
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_SIZE_LIMIT + ": must be between 1 byte and 2GB - 1, got '"
                    + config.string(IngressSettingsCatalog.SMTP_SIZE_LIMIT) + "'");
        }
        return (int) bytes;
    }

    private static Duration positive(MailgridConfig config, String key) {
        Duration value = config.duration(key);
        if (value.isZero() || value.isNegative()) {
            throw new ConfigException(key + ": must be longer than 0, got " + value.toMillis() + " ms");
        }
        return value;
    }

    /**
     * Fails unless the largest mail the listener accepts fits the memory budget it buffers mail in:
     * a larger mail could never be accepted, and its client would retry it forever.
     *
     * @throws ConfigException naming both keys
     */
    public void requireFits(MemoryBudget budget) {
        if (enabled() && sizeLimit > budget.totalBytes()) {
            throw new ConfigException(IngressSettingsCatalog.SMTP_SIZE_LIMIT + " (" + sizeLimit + " bytes) is larger than "
                    + CoreSettingsCatalog.MEMORY_MAIL_BUDGET + " (" + budget.totalBytes() + " bytes), which SMTP ingress"
                    + " buffers mail in: lower the first or raise the second (or the heap, -Xmx)");
        }
    }

    /** Whether the node runs an SMTP listener at all. */
    public boolean enabled() {
        return port != 0;
    }
}
