package io.mailgrid.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.server.RemotingService;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.utils.ByteUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.DevelopmentPasswords;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;

/**
 * An Artemis broker inside this JVM, started from {@code broker-config/broker.xml}.
 *
 * <p>The broker.xml placeholders are filled from the Mailgrid configuration (see the comment at
 * the top of broker.xml), TLS on the acceptor included. Its users are created here from the
 * settings, nobody else's: the node's (role {@value #NODE_ROLE}) and the command line's (role
 * {@value #OPERATOR_ROLE}); broker.xml grants the roles their permissions. No administrator: the
 * embedded broker is administered through its settings.
 *
 * <p>{@link #start} fails loudly when the acceptor cannot bind (Artemis itself only logs it), and
 * refuses to listen beyond loopback while a login has its shipped development password.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final java.util.regex.Pattern RETENTION_TEXT = java.util.regex.Pattern.compile("(\\d+\\s*(ms|s|m|h|d)\\s*)+|\\d+");
    private static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    private static final Duration MIN_EXPIRY_SCAN = Duration.ofMillis(100);
    private static final Duration MAX_EXPIRY_SCAN = Duration.ofSeconds(30);
    private static final String DEFAULT_MIN_DISK_FREE = "1GB";

    /** The role broker.xml grants the node's permissions to. */
    public static final String NODE_ROLE = "mailgrid";
    /** The role broker.xml grants the command line's permissions to. */
    public static final String OPERATOR_ROLE = "mailgrid-operator";

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
        Path brokerXml = Path.of(config.string(BrokerSettingsCatalog.BROKER_CONFIG)).toAbsolutePath();
        if (!Files.isReadable(brokerXml)) {
            throw new ConfigException(BrokerSettingsCatalog.BROKER_CONFIG + ": cannot read " + brokerXml);
        }
        DevelopmentPasswords.refuseBeyondLoopback(config, List.of(config.string(CoreSettingsCatalog.BROKER_HOST)),
                "the embedded broker would listen on %s, where other machines reach it", BrokerLogin.values());
        if (BrokerConnection.tlsEnabled(config) && !config.isSet(BrokerSettingsCatalog.BROKER_TLS_KEY_STORE)) {
            throw new ConfigException(CoreSettingsCatalog.BROKER_TLS_ENABLED + " is true, but " + BrokerSettingsCatalog.BROKER_TLS_KEY_STORE
                    + " is not set: the embedded broker needs its key store (PKCS12) to accept TLS");
        }
        if (BrokerLogin.NODE.user(config).equals(BrokerLogin.OPERATOR.user(config))) {
            throw new ConfigException(CoreSettingsCatalog.BROKER_OPERATOR_USER + " is '" + BrokerLogin.OPERATOR.user(config)
                    + "', the node's user: the command line needs a user of its own");
        }
        SecurityConfiguration users = new SecurityConfiguration();
        for (BrokerLogin login : BrokerLogin.values()) {
            users.addUser(login.user(config), login.password(config));
            users.addRole(login.user(config), role(login));
        }

        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfigResourcePath(brokerXml.toUri().toString());
        embedded.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));

        // Artemis reads ${...} in broker.xml from system properties while it parses the file
        synchronized (EmbeddedBroker.class) {
            placeholders(config, dataDir).forEach(System::setProperty);
            try {
                embedded.createActiveMQServer();
                chooseJournal(embedded.getActiveMQServer().getConfiguration(), AioJournal::unavailable);
                embedded.getActiveMQServer().registerBrokerPlugin(new FailedConnectionGuard());
                embedded.start();
            } catch (Exception e) {
                stopQuietly(embedded);
                throw new BrokerStartException("embedded broker did not start from " + brokerXml + ": " + e.getMessage(), e);
            }
        }
        EmbeddedBroker broker = new EmbeddedBroker(embedded);
        broker.requireAcceptorsStarted(config);
        broker.retireOldStatusQueue();
        LOG.info("Embedded broker started from {} on {}:{}{}, journal ({}) in {}", brokerXml,
                config.string(CoreSettingsCatalog.BROKER_HOST), config.string(CoreSettingsCatalog.BROKER_PORT),
                BrokerConnection.tlsEnabled(config) ? " (TLS)" : "", broker.server().getConfiguration().getJournalType(), dataDir);
        return broker;
    }

    /**
     * Where the AIO journal cannot run here, the NIO journal and one line saying why. Artemis falls
     * back too, but says only "install LibAIO" (AMQ222018, while it parses broker.xml, when its native
     * library did not load), which is rarely the reason (docs/adr/0040); a file system without
     * O_DIRECT it only finds at start.
     */
    static void chooseJournal(Configuration brokerConfig, Function<Path, Optional<String>> aioUnavailable) {
        if (brokerConfig.getJournalType() == JournalType.MAPPED) {
            return; // broker.xml chose memory-mapped files, which need no libaio
        }
        Optional<String> reason = aioUnavailable.apply(brokerConfig.getJournalLocation().toPath());
        if (reason.isEmpty()) {
            return; // AIO can run: the journal is what broker.xml says
        }
        brokerConfig.setJournalType(JournalType.NIO);
        LOG.info("Journal on NIO, AIO cannot run here: {}", reason.get());
    }

    /** The role broker.xml grants a login's permissions to. */
    public static String role(BrokerLogin login) {
        return switch (login) {
            case NODE -> NODE_ROLE;
            case OPERATOR -> OPERATOR_ROLE;
        };
    }

    /** The values broker.xml's placeholders receive; durations in milliseconds. */
    static Map<String, String> placeholders(MailgridConfig config, Path dataDir) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("mailgrid.broker.host", config.string(CoreSettingsCatalog.BROKER_HOST));
        values.put("mailgrid.broker.port", String.valueOf(config.integer(CoreSettingsCatalog.BROKER_PORT, 0)));
        values.put("mailgrid.broker.data-dir", dataDir.toAbsolutePath().toString());
        values.put("mailgrid.redelivery.delay-ms", String.valueOf(config.duration(BrokerSettingsCatalog.REDELIVERY_DELAY).toMillis()));
        values.put("mailgrid.redelivery.max-attempts",
                String.valueOf(config.integer(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, 1)));
        values.put("mailgrid.broker.expiry-scan-period-ms", String.valueOf(expiryScanPeriod(config).toMillis()));
        values.put("mailgrid.broker.min-disk-free", String.valueOf(minDiskFree(config)));
        boolean tls = BrokerConnection.tlsEnabled(config);
        values.put("mailgrid.broker.tls.enabled", String.valueOf(tls));
        values.put("mailgrid.broker.tls.key-store", tls ? readable(config, BrokerSettingsCatalog.BROKER_TLS_KEY_STORE) : "");
        values.put("mailgrid.broker.tls.key-store-password", tls ? config.string(BrokerSettingsCatalog.BROKER_TLS_KEY_STORE_PASSWORD, "") : "");
        return values;
    }

    /**
     * A quarter of the quarantine's retention, between 100 ms and Artemis's default of 30 s: a mail
     * expires at most that late, and a long retention is not scanned more often than Artemis would.
     */
    static Duration expiryScanPeriod(MailgridConfig config) {
        Duration retention = quarantineRetention(config);
        Duration quarter = retention.isZero() ? MAX_EXPIRY_SCAN : retention.dividedBy(4);
        return quarter.compareTo(MIN_EXPIRY_SCAN) < 0 ? MIN_EXPIRY_SCAN
                : quarter.compareTo(MAX_EXPIRY_SCAN) > 0 ? MAX_EXPIRY_SCAN : quarter;
    }

    /**
     * How long quarantined mail is kept ({@code mailgrid.quarantine.retention}); zero keeps it forever.
     *
     * @throws ConfigException naming the key if it is negative or not a duration
     */
    public static Duration quarantineRetention(MailgridConfig config) {
        // a properties file from before the key keeps the shipped default rather than failing the start
        if (!config.isSet(BrokerSettingsCatalog.QUARANTINE_RETENTION)) {
            return DEFAULT_RETENTION;
        }
        String text = config.string(BrokerSettingsCatalog.QUARANTINE_RETENTION);
        // Camel's parser reads "a month" as a duration: accept only what the comment documents
        Duration retention = RETENTION_TEXT.matcher(text).matches()
                ? config.duration(BrokerSettingsCatalog.QUARANTINE_RETENTION) : Duration.ofMillis(-1);
        if (retention.isNegative()) {
            throw new ConfigException(BrokerSettingsCatalog.QUARANTINE_RETENTION + ": expected 0 (keep forever) or a duration"
                    + " such as 30d, got '" + text + "'");
        }
        return retention;
    }

    /**
     * Free bytes below which the broker refuses new messages ({@code mailgrid.broker.min-disk-free}),
     * read with Artemis's own parser of sizes, so what passes here is what the broker understands.
     *
     * @throws ConfigException naming the key if it is not a size of zero or more
     */
    static long minDiskFree(MailgridConfig config) {
        // a properties file from before the key keeps the shipped default rather than failing the start
        String text = config.isSet(BrokerSettingsCatalog.MIN_DISK_FREE) ? config.string(BrokerSettingsCatalog.MIN_DISK_FREE).trim()
                : DEFAULT_MIN_DISK_FREE;
        long bytes;
        try {
            bytes = ByteUtil.convertTextBytes(text);
        } catch (IllegalArgumentException e) {
            bytes = -1;
        }
        if (bytes < 0) {
            throw new ConfigException(BrokerSettingsCatalog.MIN_DISK_FREE + ": expected a size such as 512MB or 1GB, got '" + text + "'");
        }
        return bytes;
    }

    private static String readable(MailgridConfig config, String key) {
        Path file = Path.of(config.string(key)).toAbsolutePath();
        if (!Files.isReadable(file)) {
            throw new ConfigException(key + ": cannot read " + file);
        }
        return file.toString();
    }

    /**
     * A journal written before the status address became multicast (ADR 0030) holds an anycast queue
     * named {@code mailgrid.status}. Nothing reads it any more (every broker's statuses are in
     * {@code mailgrid.status.<broker id>}), and its routing type kept broker.xml's multicast address
     * from deploying (AMQ222274 at every start). Its statuses are stale by definition: it is removed
     * and the address served as broker.xml says.
     */
    private void retireOldStatusQueue() {
        SimpleString status = SimpleString.of(Queues.STATUS);
        ActiveMQServer server = server();
        org.apache.activemq.artemis.core.server.Queue old = server.locateQueue(status);
        if (old == null || old.getRoutingType() != RoutingType.ANYCAST) {
            return;
        }
        try {
            server.destroyQueue(status, null, false, true);
            server.updateAddressInfo(status, EnumSet.of(RoutingType.MULTICAST));
            LOG.info("Removed the anycast queue {} of an older version: statuses now live in {}.<broker id>", status,
                    status);
        } catch (Exception e) {
            LOG.warn("Could not remove the anycast queue {} of an older version: {}", status, e.toString());
        }
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
                    + config.string(CoreSettingsCatalog.BROKER_HOST) + ":" + config.string(CoreSettingsCatalog.BROKER_PORT)
                    + " (is the port in use by another broker? use --broker to connect to it, or set "
                    + CoreSettingsCatalog.BROKER_PORT + ")");
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
