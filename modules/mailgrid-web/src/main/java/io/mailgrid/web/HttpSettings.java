package io.mailgrid.web;

import java.util.Properties;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The node's HTTP listener (health, metrics, cluster page), checked once at start-up.
 *
 * <table>
 * <caption>Keys (all in config/mailgrid.properties)</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.http.port}</td><td>TCP port, 0 = no HTTP listener</td><td>8025</td></tr>
 * <tr><td>{@code mailgrid.http.host}</td><td>address to bind</td><td>127.0.0.1</td></tr>
 * </table>
 *
 * @param host address the listener binds
 * @param port TCP port; 0 when the node serves no HTTP
 */
public record HttpSettings(String host, int port) {

    public static final String PORT = "mailgrid.http.port";
    public static final String HOST = "mailgrid.http.host";

    /** Reads and checks the settings; fails naming the key when one is unusable. */
    public static HttpSettings from(MailgridConfig config) {
        int port = config.integer(PORT);
        if (port < 0 || port > 65535) {
            throw new ConfigException(PORT + ": must be 0 (off) or a TCP port up to 65535, got " + port);
        }
        String host = config.string(HOST, "");
        if (port > 0 && host.isEmpty()) {
            throw new ConfigException(HOST + " is not set; the HTTP listener needs an address to bind (127.0.0.1"
                    + " keeps it on this machine)");
        }
        if (host.contains("/") || host.contains(" ")) {
            throw new ConfigException(HOST + ": expected an address or host name such as 127.0.0.1, got '" + host + "'");
        }
        return new HttpSettings(host, port);
    }

    /** Whether the node listens at all. */
    public boolean enabled() {
        return port > 0;
    }

    /**
     * Camel Main's own HTTP server (camel-platform-http-main on Vert.x) on this address, without
     * its management endpoints: Mailgrid serves its own paths (docs/adr/0036).
     */
    public Properties camelProperties() {
        Properties properties = new Properties();
        properties.setProperty("camel.server.enabled", String.valueOf(enabled()));
        if (enabled()) {
            properties.setProperty("camel.server.host", host);
            properties.setProperty("camel.server.port", String.valueOf(port));
        }
        return properties;
    }
}
