package io.mailgrid.web;

import org.apache.camel.CamelContext;

/**
 * The node's HTTP part, wired in by the node in one place: the listener is Camel Main's own
 * server ({@link HttpSettings#camelProperties()}), the paths are added here once Camel runs.
 */
public final class MailgridWeb {

    private MailgridWeb() {
    }

    /** Adds the health paths to the running Camel's HTTP server; nothing when HTTP is off. */
    public static void serve(CamelContext camel, HttpSettings settings, NodeHealth health) throws Exception {
        if (!settings.enabled()) {
            return;
        }
        camel.addRoutes(new WebRoutes(health));
    }
}
