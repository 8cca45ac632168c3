package io.mailgrid.core;

import java.time.Duration;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Builds the Artemis connection factory a node or a command uses, from the configuration.
 *
 * <p>Settings given as parameters in the broker URL win over the configuration keys, so an
 * operator can tune one connection without touching the others.
 */
public final class BrokerConnection {

    private BrokerConnection() {
    }

    /** The URL to reach the broker: the configured one, or the embedded broker's acceptor. */
    public static String url(MailgridConfig config) {
        if (config.isSet(MailgridConfig.BROKER_URL)) {
            return config.string(MailgridConfig.BROKER_URL);
        }
        return "tcp://" + config.string(MailgridConfig.BROKER_HOST) + ":" + config.integer(MailgridConfig.BROKER_PORT);
    }

    /**
     * A connection factory for a long-running node: reconnects forever, short connection TTL so
     * the broker returns a dead or hung node's reserved mails within seconds, and no prefetch so
     * that consumer priorities share work.
     */
    public static ActiveMQConnectionFactory forNode(MailgridConfig config) {
        ActiveMQConnectionFactory factory = base(config);
        String url = url(config);
        if (!hasParameter(url, "reconnectAttempts")) {
            factory.setReconnectAttempts(config.integer(MailgridConfig.BROKER_RECONNECT_ATTEMPTS));
        }
        if (!hasParameter(url, "initialConnectAttempts")) {
            factory.setInitialConnectAttempts(-1);
        }
        return factory;
    }

    /** A connection factory for a short command (submit, status): gives up quickly with a clear error. */
    public static ActiveMQConnectionFactory forCommand(MailgridConfig config) {
        ActiveMQConnectionFactory factory = base(config);
        String url = url(config);
        if (!hasParameter(url, "reconnectAttempts")) {
            factory.setReconnectAttempts(0);
        }
        if (!hasParameter(url, "initialConnectAttempts")) {
            factory.setInitialConnectAttempts(3);
        }
        return factory;
    }

    private static ActiveMQConnectionFactory base(MailgridConfig config) {
        String url = url(config);
        ActiveMQConnectionFactory factory;
        try {
            factory = new ActiveMQConnectionFactory(url);
        } catch (RuntimeException e) {
            throw new ConfigException(MailgridConfig.BROKER_URL + ": not a usable broker URL '" + url + "': " + e.getMessage(), e);
        }
        factory.setUser(config.string(MailgridConfig.BROKER_USER));
        factory.setPassword(config.string(MailgridConfig.BROKER_PASSWORD));
        Duration ttl = config.duration(MailgridConfig.BROKER_CONNECTION_TTL);
        Duration check = config.duration(MailgridConfig.BROKER_FAILURE_CHECK_PERIOD);
        if (!hasParameter(url, "connectionTTL")) {
            factory.setConnectionTTL(ttl.toMillis());
        }
        if (!hasParameter(url, "clientFailureCheckPeriod")) {
            if (check.compareTo(ttl) >= 0) {
                throw new ConfigException(MailgridConfig.BROKER_FAILURE_CHECK_PERIOD + " (" + check
                        + ") must be shorter than " + MailgridConfig.BROKER_CONNECTION_TTL + " (" + ttl + ")");
            }
            factory.setClientFailureCheckPeriod(check.toMillis());
        }
        if (!hasParameter(url, "consumerWindowSize")) {
            factory.setConsumerWindowSize(config.integer(MailgridConfig.BROKER_CONSUMER_WINDOW, -1));
        }
        if (!hasParameter(url, "retryInterval")) {
            factory.setRetryInterval(500);
            factory.setRetryIntervalMultiplier(1.5);
            factory.setMaxRetryInterval(5_000);
        }
        // durable sends block until the broker has stored the mail: only then may ingress say 250
        factory.setBlockOnDurableSend(true);
        return factory;
    }

    private static boolean hasParameter(String url, String name) {
        return url.contains("?" + name + "=") || url.contains("&" + name + "=");
    }
}
