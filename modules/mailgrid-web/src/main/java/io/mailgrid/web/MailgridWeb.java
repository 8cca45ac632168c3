package io.mailgrid.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

import org.apache.camel.CamelContext;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The node's HTTP part, wired in by the node in one place: the listener is Camel Main's own
 * server ({@link HttpSettings#camelProperties()}), the paths are added here once Camel runs.
 */
public final class MailgridWeb {

    private MailgridWeb() {
    }

    /**
     * What Camel Main needs: its HTTP server per {@link HttpSettings}, and JMX (camel-management
     * is on the class path) with the node's name in the MBean names, {@code org.apache.camel:
     * context=mailgrid-NODE,type=routes,name="grabber-NODE"}, so Hawtio or JConsole tell nodes
     * apart and two nodes in one JVM (tests) do not clash.
     */
    public static Properties camelProperties(HttpSettings http, String node) {
        Properties properties = http.camelProperties();
        properties.setProperty("camel.main.jmx-enabled", "true");
        properties.setProperty("camel.main.jmx-management-name-pattern", "#name#-" + node);
        properties.setProperty("camel.main.jmx-management-register-routes-create-by-template", "true");
        return properties;
    }

    /**
     * Reads the HTTP settings before anything starts, and fails naming the key when the port
     * cannot be bound: Camel's Vert.x server only logs a failed bind, and the node would run
     * without its health (a HEALTHCHECK or load balancer would ask whatever holds the port).
     */
    public static HttpSettings settings(MailgridConfig config) {
        HttpSettings http = HttpSettings.from(config);
        if (!http.enabled()) {
            return http;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(http.host(), http.port()), 1);
        } catch (IOException e) {
            throw new ConfigException(HttpSettings.PORT + ": cannot listen on " + http.host() + ":" + http.port() + " ("
                    + e.getMessage() + "): another process has it, or the address is not this machine's; set another"
                    + " port, or 0 for none", e);
        }
        return http;
    }

    /**
     * Adds the health, metrics and cluster-page paths to the running Camel's HTTP server; nothing
     * when HTTP is off.
     *
     * @param page the cluster page, also the source of the metrics' nodes by state; null when HTTP is off
     */
    public static void serve(CamelContext camel, HttpSettings settings, NodeHealth health, MailMetrics metrics,
            ClusterPage page) throws Exception {
        if (!settings.enabled()) {
            return;
        }
        camel.addRoutes(new WebRoutes(health, metrics, page));
    }
}
