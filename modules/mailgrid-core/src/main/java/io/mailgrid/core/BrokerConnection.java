package io.mailgrid.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Builds the Artemis connection factory a node or a command uses, from the configuration.
 *
 * <p>Settings given as parameters in the broker URL win over the configuration keys, so an
 * operator can tune one connection without touching the others. With
 * {@code mailgrid.broker.tls.enabled} every connector of the URL uses TLS with the configured
 * trust store. A login that still has its shipped development password is refused for a broker
 * on another machine ({@link DevelopmentPasswords}).
 */
public final class BrokerConnection {

    private BrokerConnection() {
    }

    /** The URL to reach the broker, as shown to people: the configured one, or the embedded broker's acceptor. */
    public static String url(MailgridConfig config) {
        if (config.isSet(CoreSettingsCatalog.BROKER_URL)) {
            return config.string(CoreSettingsCatalog.BROKER_URL);
        }
        return "tcp://" + config.string(CoreSettingsCatalog.BROKER_HOST) + ":" + config.integer(CoreSettingsCatalog.BROKER_PORT);
    }

    /**
     * The URL a client connects with: {@link #url} plus the TLS parameters (trust store and its
     * password included, so never log it) unless the URL sets them itself.
     */
    public static String connectionUrl(MailgridConfig config) {
        String url = url(config);
        if (!tlsEnabled(config)) {
            return url;
        }
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put(TransportConstants.SSL_ENABLED_PROP_NAME, "true");
        if (config.isSet(CoreSettingsCatalog.BROKER_TLS_TRUST_STORE)) {
            tls.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, config.string(CoreSettingsCatalog.BROKER_TLS_TRUST_STORE));
        }
        if (config.isSet(CoreSettingsCatalog.BROKER_TLS_TRUST_STORE_PASSWORD)) {
            tls.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, config.string(CoreSettingsCatalog.BROKER_TLS_TRUST_STORE_PASSWORD));
        }
        StringBuilder withTls = new StringBuilder(url);
        tls.forEach((name, value) -> {
            if (!hasParameter(url, name)) {
                withTls.append(withTls.indexOf("?") < 0 ? '?' : '&').append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return withTls.toString();
    }

    /** Whether connections use TLS ({@code mailgrid.broker.tls.enabled}; absent means false). */
    public static boolean tlsEnabled(MailgridConfig config) {
        return config.isSet(CoreSettingsCatalog.BROKER_TLS_ENABLED) && config.bool(CoreSettingsCatalog.BROKER_TLS_ENABLED);
    }

    /** The hosts a factory connects to; empty when they are discovered at run time (UDP, JGroups). */
    static List<String> hosts(ActiveMQConnectionFactory factory) {
        List<String> hosts = new ArrayList<>();
        TransportConfiguration[] connectors = factory.getStaticConnectors();
        if (connectors != null) {
            for (TransportConfiguration connector : connectors) {
                Object host = connector.getParams().get(TransportConstants.HOST_PROP_NAME);
                hosts.add(host == null ? TransportConstants.DEFAULT_HOST : host.toString());
            }
        }
        return hosts;
    }

    /**
     * A connection factory for a long-running node, with the node's login: reconnects forever,
     * short connection TTL so the broker returns a dead or hung node's reserved mails within
     * seconds, and no prefetch so that consumer priorities share work.
     */
    public static ActiveMQConnectionFactory forNode(MailgridConfig config) {
        ActiveMQConnectionFactory factory = base(config, BrokerLogin.NODE);
        String url = url(config);
        if (!hasParameter(url, "reconnectAttempts")) {
            factory.setReconnectAttempts(config.integer(CoreSettingsCatalog.BROKER_RECONNECT_ATTEMPTS));
        }
        if (!hasParameter(url, "initialConnectAttempts")) {
            factory.setInitialConnectAttempts(-1);
        }
        return factory;
    }

    /**
     * A connection factory with the node's login that gives up quickly with a clear error (the
     * node's SMTP ingress, whose client then hears 451; tools acting as a node).
     */
    public static ActiveMQConnectionFactory forCommand(MailgridConfig config) {
        return forCommand(config, BrokerLogin.NODE);
    }

    /** A connection factory for the command line (status, maintenance, quarantine, submit): the operator's login, gives up quickly. */
    public static ActiveMQConnectionFactory forOperator(MailgridConfig config) {
        return forCommand(config, BrokerLogin.OPERATOR);
    }

    /** A connection factory with this login that gives up quickly with a clear error. */
    public static ActiveMQConnectionFactory forCommand(MailgridConfig config, BrokerLogin login) {
        ActiveMQConnectionFactory factory = base(config, login);
        String url = url(config);
        if (!hasParameter(url, "reconnectAttempts")) {
            factory.setReconnectAttempts(0);
        }
        if (!hasParameter(url, "initialConnectAttempts")) {
            factory.setInitialConnectAttempts(3);
        }
        return factory;
    }

    /**
     * The connection URL for this login, once it is known not to carry a development password
     * beyond this machine.
     *
     * @throws ConfigException if the URL is unusable or the login's development password would leave loopback
     */
    static String checkedConnectionUrl(MailgridConfig config, BrokerLogin login) {
        String url = url(config);
        String connection = connectionUrl(config);
        List<String> hosts;
        try (ActiveMQConnectionFactory parsed = new ActiveMQConnectionFactory(connection)) {
            hosts = hosts(parsed);
        } catch (RuntimeException e) {
            throw new ConfigException(CoreSettingsCatalog.BROKER_URL + ": not a usable broker URL '" + url + "': " + e.getMessage(), e);
        }
        DevelopmentPasswords.refuseBeyondLoopback(config, hosts.isEmpty() ? List.of(url) : hosts,
                "it would be sent to the broker at %s, beyond this machine", login);
        return connection;
    }

    private static ActiveMQConnectionFactory base(MailgridConfig config, BrokerLogin login) {
        String url = url(config);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(checkedConnectionUrl(config, login));
        factory.setUser(login.user(config));
        factory.setPassword(login.password(config));
        Duration ttl = config.duration(CoreSettingsCatalog.BROKER_CONNECTION_TTL);
        Duration check = config.duration(CoreSettingsCatalog.BROKER_FAILURE_CHECK_PERIOD);
        if (!hasParameter(url, "connectionTTL")) {
            factory.setConnectionTTL(ttl.toMillis());
        }
        if (!hasParameter(url, "clientFailureCheckPeriod")) {
            if (check.compareTo(ttl) >= 0) {
                throw new ConfigException(CoreSettingsCatalog.BROKER_FAILURE_CHECK_PERIOD + " (" + check
                        + ") must be shorter than " + CoreSettingsCatalog.BROKER_CONNECTION_TTL + " (" + ttl + ")");
            }
            factory.setClientFailureCheckPeriod(check.toMillis());
        }
        if (!hasParameter(url, "consumerWindowSize")) {
            factory.setConsumerWindowSize(config.integer(CoreSettingsCatalog.BROKER_CONSUMER_WINDOW, -1));
        }
        if (!hasParameter(url, "retryInterval")) {
            factory.setRetryInterval(500);
            factory.setRetryIntervalMultiplier(1.5);
            factory.setMaxRetryInterval(5_000);
        }
        // every connection to the broker named in the URL: on a cluster of live brokers the client would otherwise
        // spread its later connections over the cluster's topology, and a node's mailbox, heartbeats and status would
        // land on whichever broker each connection reached (docs/adr/0030). Failover to a backup is not affected
        if (!hasParameter(url, "useTopologyForLoadBalancing")) {
            factory.setUseTopologyForLoadBalancing(false);
        }
        // durable sends block until the broker has stored the mail: only then may ingress say 250
        factory.setBlockOnDurableSend(true);
        return factory;
    }

    private static boolean hasParameter(String url, String name) {
        return url.contains("?" + name + "=") || url.contains("&" + name + "=");
    }
}
