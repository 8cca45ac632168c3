package io.mailgrid.node.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.cluster.StatusReport;
import io.mailgrid.broker.BrokerRedelivery;
import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.checks.Checks;
import io.mailgrid.checks.PolicyModel;
import io.mailgrid.cluster.ClusterAgent;
import io.mailgrid.cluster.ClusterSettingsCatalog;
import io.mailgrid.cluster.ClusterWatch;
import io.mailgrid.cluster.ConfigHash;
import io.mailgrid.checks.condition.Conditions;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.ClientIds;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.delivery.MailDelivery;
import io.mailgrid.delivery.MaildirDelivery;
import io.mailgrid.delivery.PauseDetector;
import io.mailgrid.delivery.PeerDelivery;
import io.mailgrid.delivery.SmtpRelayDelivery;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.ingress.PickupIngress;
import io.mailgrid.ingress.PickupSettings;
import io.mailgrid.ingress.SmtpAccess;
import io.mailgrid.ingress.SmtpIngress;
import io.mailgrid.ingress.SmtpSettings;
import io.mailgrid.node.route.CommitGuard;
import io.mailgrid.node.route.DeliveryStep;
import io.mailgrid.node.route.MailErrors;
import io.mailgrid.node.route.MemoryBudgetStep;
import io.mailgrid.node.route.Publish;
import io.mailgrid.node.route.QuarantineExpiry;
import io.mailgrid.node.route.QuarantineNotice;
import io.mailgrid.node.route.RelayFollowUp;
import io.mailgrid.node.route.Reservation;
import io.mailgrid.web.BrokerLink;
import io.mailgrid.web.ClusterPage;
import io.mailgrid.web.HttpSettings;
import io.mailgrid.web.MailMetrics;
import io.mailgrid.web.MailgridWeb;
import io.mailgrid.web.NodeHealth;

/**
 * One running Mailgrid node: optionally the embedded broker, then Camel Main with the XML routes
 * from {@code routes/}, the grabber for the node's own mailbox and the delivery of its outbound
 * queue.
 *
 * <p>Start with {@link #start(MailgridConfig)} or {@link #builder(MailgridConfig)}; {@link #close()}
 * stops gracefully: ingress first, in-flight mails finish or roll back within
 * {@code mailgrid.shutdown.grace-period}, then the broker.
 */
public final class MailgridNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailgridNode.class);

    private final MailgridConfig config;
    private final NodeSettings settings;
    private final Clock clock;
    private final Map<String, Object> extraBeans;
    private final BooleanSupplier stopRequested;
    private EmbeddedBroker broker;
    private MailPublisher publisher;
    private Reservation reservation;
    private Checks checks;
    private Publish publish;
    private Main main;
    private MailDelivery ownDelivery;
    private PauseDetector pauses;
    private ClusterAgent cluster;
    private boolean closed;
    private ActiveMQConnectionFactory smtpFactory;
    private MailPublisher smtpPublisher;
    private SmtpIngress smtp;
    private RequiredChecks required;
    private String policyHash;
    private BrokerLink brokerLink;
    private MailMetrics metrics;
    private ClusterPage page;

    private MailgridNode(Builder builder) {
        this.config = builder.config;
        this.settings = NodeSettings.from(config);
        this.clock = builder.clock;
        this.extraBeans = builder.beans;
        this.stopRequested = builder.stopRequested;
    }

    /** Starts a node with these settings. */
    public static MailgridNode start(MailgridConfig config) throws Exception {
        return builder(config).start();
    }

    /** A node with extra beans for the routes or a test clock. */
    public static Builder builder(MailgridConfig config) {
        return new Builder(config);
    }

    /** Options for starting a node. */
    public static final class Builder {
        private final MailgridConfig config;
        private final Map<String, Object> beans = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private BooleanSupplier stopRequested = () -> false;

        private Builder(MailgridConfig config) {
            this.config = config;
        }

        /** Binds a bean the routes can refer to, such as an extra policy step. */
        public Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        /** The clock for received and processed times. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * Gives the start up at its next step once this says so (a SIGTERM during the start): the
         * start then throws {@link StartAbandonedException} after stopping what had started.
         */
        public Builder abandonWhen(BooleanSupplier value) {
            this.stopRequested = value;
            return this;
        }

        /** Starts the node; on failure everything already started is stopped again. */
        public MailgridNode start() throws Exception {
            MailgridNode node = new MailgridNode(this);
            try {
                node.doStart();
            } catch (Exception | Error e) {
                node.close();
                throw e;
            }
            return node;
        }
    }

    private void doStart() throws Exception {
        String name = settings.name();
        Path routesDir = Path.of(config.string(CoreSettingsCatalog.ROUTES_DIR));
        if (!Files.isDirectory(routesDir)) {
            throw new ConfigException(CoreSettingsCatalog.ROUTES_DIR + ": no such directory " + routesDir);
        }
        checks = new Checks(config);
        Files.createDirectories(settings.pickupDir());
        MemoryBudget memoryBudget = MemoryBudget.from(config); // shared by SMTP ingress, grabbers and deliveries
        SmtpSettings smtpSettings = SmtpSettings.from(config); // a bad SMTP setting fails before anything starts
        smtpSettings.requireFits(memoryBudget);
        PickupSettings pickupSettings = PickupSettings.from(config);
        SmtpAccess smtpAccess = SmtpAccess.from(config, smtpSettings);
        HttpSettings http = MailgridWeb.settings(config); // a taken port fails here, before the broker starts
        abandonIfStopRequested("before its broker connection");
        if (!config.isSet(CoreSettingsCatalog.BROKER_URL)) {
            broker = EmbeddedBroker.start(config, settings.brokerDir());
            abandonIfStopRequested("after its embedded broker started");
        }
        BrokerRedelivery redelivery = brokerRedelivery(Queues.mailbox(name));
        abandonIfStopRequested("before Camel");
        ActiveMQConnectionFactory factory = BrokerConnection.forNode(config);
        MailDelivery delivery = delivery(redelivery);
        pauses = PauseDetector.forConnection(config.duration(CoreSettingsCatalog.BROKER_CONNECTION_TTL),
                config.duration(CoreSettingsCatalog.BROKER_FAILURE_CHECK_PERIOD));

        main = new Main();
        // the SIGTERM hook is Mailgrid's (NodeRun, docs/adr/0047). Camel Main's own, added as Camel starts,
        // only waits (the shutdown timeout plus 15 s) for someone else to stop Camel: a SIGTERM it caught
        // during the start left the node running on to ready and past it, then the JVM ended mid-work
        if (main.getShutdownStrategy() instanceof DefaultMainShutdownStrategy camelHook) {
            camelHook.disableHangupSupport();
        }
        Properties camelProperties = camelProperties();
        camelProperties.putAll(MailgridWeb.camelProperties(http, name));
        main.setInitialProperties(camelProperties);
        main.configure().withRoutesIncludePattern("file:" + routesDir.toAbsolutePath() + "/*.xml");
        main.configure().withShutdownTimeout((int) Math.max(1, grace().toSeconds()));
        main.configure().withShutdownNowOnTimeout(true);
        main.bind("jms", JmsSetup.component(factory));
        MailErrors mailErrors = new MailErrors(redelivery.maxAttempts());
        DeliveryStep deliveryStep = new DeliveryStep(delivery, pauses);
        // only a Maildir keeps one copy whatever the attempt; a relay's mail keeps the outbound hop (docs/adr/0035)
        Duration retention = EmbeddedBroker.quarantineRetention(config);
        publish = new Publish(factory, new RelayFollowUp(redelivery.delay(), clock),
                mailErrors, name, delivery instanceof MaildirDelivery ? deliveryStep : null, retention);
        main.bind("publish", publish);
        main.bind("quarantineExpiry", new QuarantineExpiry(retention, clock));
        // not a step in the routes: Camel applies it to every route that takes mail in a transaction
        main.bind("commitGuard", new CommitGuard());
        main.bind("memoryBudget", new MemoryBudgetStep(memoryBudget));
        main.bind("mailErrors", mailErrors);
        main.bind("delivery", deliveryStep);
        // read from Camel's exchange events (an EventNotifier Camel Main picks up from the registry)
        metrics = new MailMetrics(clock, config.isSet(DeliverySettingsCatalog.DELIVERY_RELAY) ? "relay" : "maildir");
        main.bind("mailMetrics", metrics);
        // the policy chain is read from the routes Camel loaded, before they start (docs/adr/0026)
        main.bind("check", checks.component());
        checks.namedConditions().forEach(main::bind);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport loaded) {
                loadPolicy(loaded.getCamelContext(), factory, pickupSettings);
                abandonIfStopRequested("before Camel started its routes");
            }
        });
        extraBeans.forEach(main::bind);
        main.start();
        abandonIfStopRequested("after Camel started its routes");

        CamelContext camel = main.getCamelContext();
        checks.logStatus();
        addDelivery(camel, name, "delivery");
        ownDelivery = delivery;
        cluster = new ClusterAgent(config, settings, factory, new NodeRoutes(), reservation, this::checkHealth,
                required, policyHash, delivery.target(), clock);
        cluster.checkVersions(checks::chainVersions);
        cluster.start();
        abandonIfStopRequested("after it joined the cluster");
        metrics.gauges(reservation::inFlight, () -> memoryBudget.totalBytes() - memoryBudget.availableBytes());
        if (http.enabled()) {
            brokerLink = BrokerLink.open(factory);
            Duration timeout = config.duration(ClusterSettingsCatalog.HEARTBEAT_TIMEOUT);
            page = new ClusterPage(ClusterWatch.start(factory, config.duration(ClusterSettingsCatalog.HEARTBEAT_INTERVAL), timeout,
                    clock), timeout, clock, this::queues);
        }
        MailgridWeb.serve(camel, http, new Health(), metrics, page);
        abandonIfStopRequested("before its SMTP listener");
        startSmtp(smtpSettings, smtpAccess, memoryBudget, name, grace());
        LOG.info("Mailgrid node {} ready: role {}, mailbox {}, mail requires {}, {}, pickup {}, broker {}, smtp {}", name,
                settings.role().wireName(), Queues.mailbox(name),
                required.names().isEmpty() ? "no check" : String.join(",", required.names()), delivery.describe(),
                settings.pickupDir(), broker == null ? BrokerConnection.url(config)
                        : "embedded on " + BrokerConnection.url(config), smtp == null ? "off" : smtp.address());
    }

    /** Ends the start here if the node was told to stop meanwhile (the caller then stops what has started). */
    private void abandonIfStopRequested(String step) {
        if (stopRequested.getAsBoolean()) {
            throw new StartAbandonedException(settings.name(), step);
        }
    }

    /**
     * Builds the check instances of the routes as loaded (a bad step fails here, before any route
     * starts), and what depends on the chain: the checks every mail this node accepts requires
     * (docs/adr/0018), the publisher that stamps them, and the reservation that enforces them.
     */
    private void loadPolicy(CamelContext camel, ActiveMQConnectionFactory factory, PickupSettings pickupSettings) {
        checks.load(camel);
        // the policy as Camel loaded it, before route templates add per-node routes (docs/adr/0026)
        policyHash = ConfigHash.of(PolicyModel.routesAsLoaded(camel), checks.stepFiles(), config.asMap());
        try {
            required = RequiredChecks.forNode(config, checks.chain(), settings.role() == NodeSettings.Role.WORKER);
            RequiredChecks.selector(checks.chain(), true); // the grabbers' selector must be possible
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CoreSettingsCatalog.ROUTES_DIR + ": the policy chain cannot be required of mail: "
                    + e.getMessage(), e);
        }
        publisher = new MailPublisher(factory, required, SendDeadline.timeout(config));
        publisher.onStored(metrics::accepted);
        publish.notifyQuarantine(QuarantineNotice.of(publisher, NodeSettingsCatalog.QUARANTINE_NOTIFY,
                config.string(NodeSettingsCatalog.QUARANTINE_NOTIFY, ""), NodeSettingsCatalog.QUARANTINE_NOTIFY_RECIPIENTS,
                config.isSet(NodeSettingsCatalog.QUARANTINE_NOTIFY_RECIPIENTS)
                        && config.bool(NodeSettingsCatalog.QUARANTINE_NOTIFY_RECIPIENTS), Conditions.localAddress(config), clock));
        reservation = new Reservation(settings.name(), config.duration(NodeSettingsCatalog.RESERVATION_TIMEOUT), clock,
                checks.chain());
        main.bind("reservation", reservation);
        main.bind("pickup", new PickupIngress(publisher, settings.name(), settings.pickupDir(), pickupSettings, clock));
    }

    /**
     * Starts the SMTP listener, last of all, so no client hears 250 before the node can process
     * mail. Its publisher gives up within seconds when the broker is gone (the client hears 451
     * and retries) instead of reconnecting forever as the routes' connections do.
     */
    private void startSmtp(SmtpSettings smtpSettings, SmtpAccess smtpAccess, MemoryBudget memoryBudget, String name,
            Duration grace) {
        if (!smtpSettings.enabled()) {
            return;
        }
        smtpFactory = BrokerConnection.forCommand(config);
        smtpPublisher = new MailPublisher(smtpFactory, required, SendDeadline.timeout(config));
        smtpPublisher.onStored(metrics::accepted);
        smtp = new SmtpIngress(smtpSettings, smtpAccess, smtpPublisher, memoryBudget, name, clock, grace);
        smtp.start();
    }

    /**
     * Starts a grabber for a node's mailbox (own node at priority 10, helpers lower): two routes, the
     * standard lane for small mails and the large-mail lane with few consumers. Each takes only mail
     * whose required checks this node's chain runs; {@code acceptUnmarked} also takes mail published
     * without them (by an older Mailgrid).
     */
    private void addGrabber(CamelContext camel, String mailboxNode, int priority, boolean acceptUnmarked) throws Exception {
        String clientId = ClientIds.grabber(settings.name(), mailboxNode);
        for (boolean large : new boolean[] {false, true}) {
            TemplatedRouteBuilder.builder(camel, "grabber")
                    .routeId(lane(grabberRouteId(mailboxNode), large))
                    .parameter("mailbox", mailboxNode)
                    .parameter("priority", String.valueOf(priority))
                    .parameter("clientId", large ? ClientIds.largeLane(clientId) : clientId)
                    .parameter("selector", "(" + selector(large) + ") AND "
                            + RequiredChecks.selector(checks.chain(), acceptUnmarked))
                    .parameter("consumers", String.valueOf(large ? largeConsumers()
                            : config.integer(CoreSettingsCatalog.GRABBER_CONSUMERS, 1)))
                    .add();
        }
    }

    /** Starts delivery of a node's outbound queue through the named delivery bean, in two lanes. */
    private void addDelivery(CamelContext camel, String outboundNode, String deliveryBean) throws Exception {
        String clientId = ClientIds.delivery(settings.name(), outboundNode);
        for (boolean large : new boolean[] {false, true}) {
            TemplatedRouteBuilder.builder(camel, "delivery")
                    .routeId(lane(deliveryRouteId(outboundNode), large))
                    .parameter("outbound", outboundNode)
                    .parameter("deliveryBean", deliveryBean)
                    .parameter("clientId", large ? ClientIds.largeLane(clientId) : clientId)
                    .parameter("selector", selector(large))
                    .parameter("consumers", String.valueOf(large ? largeConsumers()
                            : config.integer(DeliverySettingsCatalog.DELIVERY_CONSUMERS, 1)))
                    .add();
        }
    }

    /** Which mails a lane takes: the standard lane also takes anything without a size (not a Mailgrid mail). */
    private String selector(boolean large) {
        long threshold = config.bytes(NodeSettingsCatalog.LARGE_MAIL_SIZE);
        return large ? MailProperty.SIZE + " >= " + threshold
                : MailProperty.SIZE + " IS NULL OR " + MailProperty.SIZE + " < " + threshold;
    }

    private int largeConsumers() {
        return config.integer(NodeSettingsCatalog.LARGE_MAIL_CONSUMERS, 1);
    }

    private static String lane(String routeId, boolean large) {
        return large ? routeId + "-large" : routeId;
    }

    /** Stops a route gracefully (in-flight mails finish within the grace period) and removes it. */
    private void removeRoute(String routeId) throws Exception {
        CamelContext camel = main.getCamelContext();
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId, Math.max(1, grace().toSeconds()), TimeUnit.SECONDS);
            camel.removeRoute(routeId);
        }
    }

    private Duration grace() {
        return config.duration(NodeSettingsCatalog.SHUTDOWN_GRACE);
    }

    /** Every check the policy chain uses, with whether it can run on this node now. */
    private Map<String, Boolean> checkHealth() {
        Map<String, Boolean> health = new TreeMap<>();
        Map<String, io.mailgrid.checks.CheckStatus> unavailable = checks.unavailableInChain();
        checks.chain().forEach(name -> health.put(name, !unavailable.containsKey(name)));
        return health;
    }

    /** The queues and reserved mails for the cluster page, as {@code status} reads them. */
    private ClusterPage.Queues queues() throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config)) {
            StatusReport report = StatusReport.read(management);
            return new ClusterPage.Queues(report.queues().stream().map(q -> new ClusterPage.QueueRow(q.name(), q.waiting(),
                    q.inFlight(), q.consumers())).toList(), report.inFlight().stream().map(m -> new ClusterPage.HeldMail(
                    m.mailId(), m.queue(), m.node(), m.reservedAt())).toList());
        }
    }

    /** What the health endpoints read of this node. */
    private final class Health implements NodeHealth {
        @Override
        public String node() {
            return settings.name();
        }

        @Override
        public boolean brokerConnected() {
            return brokerLink.connected();
        }

        @Override
        public Map<String, String> unavailableChecks() {
            Map<String, String> unavailable = new TreeMap<>();
            checks.unavailableInChain().forEach((check, status) -> unavailable.put(check, status.reason()));
            return unavailable;
        }

        @Override
        public String state() {
            return cluster.state().name();
        }
    }

    /** How the cluster agent changes this node's routes. */
    private final class NodeRoutes implements ClusterAgent.Routes {
        @Override
        public void grab(String mailboxNode, int priority, boolean acceptUnmarked) throws Exception {
            addGrabber(main.getCamelContext(), mailboxNode, priority, acceptUnmarked);
        }

        @Override
        public void stopGrabbing(String mailboxNode) throws Exception {
            removeRoute(grabberRouteId(mailboxNode));
            removeRoute(lane(grabberRouteId(mailboxNode), true));
        }

        @Override
        public Optional<String> deliverFor(String peer, String peerTarget) throws Exception {
            PeerDelivery choice = PeerDelivery.choose(peerTarget, ownDelivery, maildirOptions());
            if (!choice.delivers()) {
                return Optional.of(choice.waits());
            }
            String bean = "delivery-for-" + peer;
            main.bind(bean, new DeliveryStep(choice.delivery(), pauses));
            addDelivery(main.getCamelContext(), peer, bean);
            return Optional.empty();
        }

        @Override
        public void stopDeliveringFor(String peer) throws Exception {
            removeRoute(deliveryRouteId(peer));
            removeRoute(lane(deliveryRouteId(peer), true));
        }
    }

    /** Route id of the grabber serving a node's mailbox (standard lane; the large-mail lane adds "-large"). */
    public static String grabberRouteId(String mailboxNode) {
        return "grabber-" + mailboxNode;
    }

    /** Route id of the delivery of a node's outbound queue (standard lane; the large-mail lane adds "-large"). */
    public static String deliveryRouteId(String outboundNode) {
        return "delivery-" + outboundNode;
    }

    private Properties camelProperties() {
        Properties properties = config.asProperties();
        properties.setProperty(CoreSettingsCatalog.NODE_NAME, settings.name());
        properties.setProperty(CoreSettingsCatalog.DATA_DIR, settings.dataDir().toString());
        return properties;
    }

    /**
     * The redelivery the broker applies to this node's mailbox, embedded or external, which the routes
     * must match (docs/adr/0034): broker.xml takes the properties' values through placeholders, but a
     * broker.xml with its own numbers wins. A broker that does not answer (a broker.xml merged before
     * the node role could read address settings) leaves the properties' values, with a WARN.
     */
    private BrokerRedelivery brokerRedelivery(String mailbox) {
        BrokerRedelivery properties = BrokerRedelivery.ofProperties(config);
        String url = BrokerConnection.url(config);
        BrokerRedelivery fromBroker;
        try {
            fromBroker = BrokerRedelivery.read(config, mailbox);
        } catch (Exception e) {
            LOG.warn("Cannot read the redelivery of {} from the broker at {} ({}): using {}={} and {}={}, which must equal"
                    + " max-delivery-attempts and redelivery-delay in its broker.xml (./mailgrid merge-broker-config grants"
                    + " the read)", mailbox, url, e.getMessage(), BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, properties.maxAttempts(),
                    BrokerSettingsCatalog.REDELIVERY_DELAY, config.string(BrokerSettingsCatalog.REDELIVERY_DELAY));
            return properties;
        }
        fromBroker.requireUsable(mailbox, url);
        if (fromBroker.maxAttempts() != properties.maxAttempts()) {
            LOG.warn("{} is {} in the properties but max-delivery-attempts is {} on the broker at {}: using the broker's value",
                    BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, properties.maxAttempts(), fromBroker.maxAttempts(), url);
        }
        if (!fromBroker.delay().equals(properties.delay())) {
            LOG.warn("{} is {} in the properties but redelivery-delay is {} ms on the broker at {}: using the broker's value",
                    BrokerSettingsCatalog.REDELIVERY_DELAY, config.string(BrokerSettingsCatalog.REDELIVERY_DELAY), fromBroker.delay().toMillis(), url);
        }
        LOG.info("Redelivery of {} as the broker at {} applies it: {} attempts, first retry after {} ms", mailbox, url,
                fromBroker.maxAttempts(), fromBroker.delay().toMillis());
        return fromBroker;
    }

    private MailDelivery delivery(BrokerRedelivery redelivery) throws IOException {
        if (config.isSet(DeliverySettingsCatalog.DELIVERY_RELAY)) {
            return SmtpRelayDelivery.from(config, redelivery.maxAttempts());
        }
        Path maildir = config.isSet(DeliverySettingsCatalog.DELIVERY_MAILDIR)
                ? Path.of(config.string(DeliverySettingsCatalog.DELIVERY_MAILDIR)).toAbsolutePath()
                : settings.outboxDir();
        return new MaildirDelivery(maildir, maildirOptions());
    }

    /** How every Maildir this node delivers into keeps its record of delivered mail. */
    private MaildirDelivery.Options maildirOptions() {
        return new MaildirDelivery.Options(true, config.duration(DeliverySettingsCatalog.DELIVERY_RECORD_RETENTION), clock);
    }

    /** The node's part in the cluster: state, peers, takeover. */
    ClusterAgent cluster() {
        return cluster;
    }

    /** This node's resolved name, role and data directory. */
    public NodeSettings settings() {
        return settings;
    }

    /** The node's policy checks: which the routes use, and which of those are available here. */
    public Checks checks() {
        return checks;
    }

    /** The Camel context running the routes. */
    public CamelContext camel() {
        return main.getCamelContext();
    }

    /** The embedded broker, or null when the node uses an external one. */
    public EmbeddedBroker embeddedBroker() {
        return broker;
    }

    /** The checks every mail this node accepts requires: its chain plus mailgrid.policy.required-checks. */
    public RequiredChecks required() {
        return required;
    }

    /** Publishes mail to the broker on behalf of this node's ingress. */
    public MailPublisher publisher() {
        return publisher;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // SMTP first: ingress stops before the grabbers, mails being received are stored or refused
        if (smtp != null) {
            smtp.close();
        }
        if (smtpPublisher != null) {
            smtpPublisher.close();
        }
        if (smtpFactory != null) {
            smtpFactory.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (main != null) {
            try {
                main.stop();
            } catch (Exception e) {
                LOG.warn("Camel did not stop cleanly: {}", e.toString());
            }
        }
        if (ownDelivery instanceof SmtpRelayDelivery relay) {
            relay.close(); // the connections kept for the next mails (docs/adr/0044)
        }
        if (brokerLink != null) {
            brokerLink.close();
        }
        if (page != null) {
            page.close();
        }
        if (reservation != null) {
            reservation.close();
        }
        if (checks != null) {
            checks.close();
        }
        if (publish != null) {
            publish.close();
        }
        if (pauses != null) {
            pauses.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (broker != null) {
            broker.close();
        }
        LOG.info("Mailgrid node {} stopped", settings.name());
    }
}
