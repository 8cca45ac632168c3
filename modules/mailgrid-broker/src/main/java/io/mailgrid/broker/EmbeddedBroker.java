package io.mailgrid.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.server.RemotingService;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * An Artemis broker inside this JVM, started from {@code broker-config/broker.xml}.
 *
 * <p>The broker.xml placeholders are filled from the Mailgrid configuration (see the comment at
 * the top of broker.xml). The one user the node authenticates as is created here with the role
 * {@code mailgrid}; broker.xml grants that role its permissions.
 *
 * <p>{@link #start} fails loudly when the acceptor cannot bind (Artemis itself only logs it).
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The role broker.xml grants the node's permissions to. */
    public static final String NODE_ROLE = "mailgrid";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final EmbeddedActiveMQ embedded;

    private EmbeddedBroker(EmbeddedActiveMQ embedded) {
        this.embedded = embedded;
    }

    /**
     * Starts a broker that keeps its journal under {@code dataDir}.
     *
     * @param config  Mailgrid settings: broker config file, host, port, user, password, redelivery
     * @param dataDir directory for journal, bindings, paging and large messages (created if needed)
     * @throws BrokerStartException if the broker or its acceptor did not start
     */
    public static EmbeddedBroker start(MailgridConfig config, Path dataDir) {
        Path brokerXml = Path.of(config.string(MailgridConfig.BROKER_CONFIG)).toAbsolutePath();
        if (!Files.isReadable(brokerXml)) {
            throw new ConfigException(MailgridConfig.BROKER_CONFIG + ": cannot read " + brokerXml);
        }
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(config.string(MailgridConfig.BROKER_USER), config.string(MailgridConfig.BROKER_PASSWORD));
        users.addRole(config.string(MailgridConfig.BROKER_USER), NODE_ROLE);

        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfigResourcePath(brokerXml.toUri().toString());
        embedded.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));

        // Artemis reads ${...} in broker.xml from system properties while it parses the file
        synchronized (EmbeddedBroker.class) {
            placeholders(config, dataDir).forEach(System::setProperty);
            try {
                embedded.createActiveMQServer();
                embedded.getActiveMQServer().registerBrokerPlugin(new FailedConnectionGuard());
                embedded.start();
            } catch (Exception e) {
                stopQuietly(embedded);
                throw new BrokerStartException("embedded broker did not start from " + brokerXml + ": " + e.getMessage(), e);
            }
        }
        EmbeddedBroker broker = new EmbeddedBroker(embedded);
        broker.requireAcceptorsStarted(config);
        LOG.info("Embedded broker started from {} on {}:{}, journal in {}", brokerXml,
                config.string(MailgridConfig.BROKER_HOST), config.string(MailgridConfig.BROKER_PORT), dataDir);
        return broker;
    }

    /** The values broker.xml's placeholders receive; durations in milliseconds. */
    static Map<String, String> placeholders(MailgridConfig config, Path dataDir) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("mailgrid.broker.host", config.string(MailgridConfig.BROKER_HOST));
        values.put("mailgrid.broker.port", String.valueOf(config.integer(MailgridConfig.BROKER_PORT, 0)));
        values.put("mailgrid.broker.data-dir", dataDir.toAbsolutePath().toString());
        values.put("mailgrid.redelivery.delay-ms", String.valueOf(config.duration(MailgridConfig.REDELIVERY_DELAY).toMillis()));
        values.put("mailgrid.redelivery.max-attempts",
                String.valueOf(config.integer(MailgridConfig.REDELIVERY_MAX_ATTEMPTS, 1)));
        return values;
    }

    /** The running Artemis server, for management and tests. */
    public ActiveMQServer server() {
        return embedded.getActiveMQServer();
    }

    /** Stops the broker; in-flight transactions are rolled back and reservations returned. */
    @Override
    public void close() {
        stopQuietly(embedded);
    }

    private void requireAcceptorsStarted(MailgridConfig config) {
        RemotingService remoting = server().getRemotingService();
        Map<String, Acceptor> acceptors = remoting == null ? Map.of() : remoting.getAcceptors();
        boolean started = !acceptors.isEmpty() && acceptors.values().stream().allMatch(Acceptor::isStarted);
        if (!started || !server().isActive()) {
            close();
            throw new BrokerStartException("embedded broker could not open its acceptor on "
                    + config.string(MailgridConfig.BROKER_HOST) + ":" + config.string(MailgridConfig.BROKER_PORT)
                    + " (is the port in use by another broker? use --broker to connect to it, or set "
                    + MailgridConfig.BROKER_PORT + ")");
        }
    }

    private static void stopQuietly(EmbeddedActiveMQ embedded) {
        try {
            if (embedded.getActiveMQServer() != null) {
                embedded.stop();
            }
        } catch (Exception e) {
            LOG.warn("Embedded broker did not stop cleanly: {}", e.toString());
        }
    }
}
