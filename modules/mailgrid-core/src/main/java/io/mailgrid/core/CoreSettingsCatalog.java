package io.mailgrid.core;

import java.util.List;

/**
 * The settings mailgrid-core reads, and those two role modules share: the node's identity and
 * directories, the broker connection and logins, the grabbers' count (the node's grabbers, the
 * cluster's capacity), the memory budget for mail, the checks every mail must have passed.
 */
public final class CoreSettingsCatalog implements SettingsCatalog {

    /** Node name; empty means the host name. */
    public static final String NODE_NAME = "mailgrid.node.name";
    /** worker (ingress, checks, delivery) or host (ingress and delivery only). */
    public static final String NODE_ROLE = "mailgrid.node.role";
    /** The node's data directory; empty means ./var/&lt;node&gt;. */
    public static final String DATA_DIR = "mailgrid.data.dir";
    /** Directory of the Camel XML routes. */
    public static final String ROUTES_DIR = "mailgrid.routes.dir";
    /** Broker URL; empty means start the embedded broker. */
    public static final String BROKER_URL = "mailgrid.broker.url";
    /** Address the embedded broker's acceptor binds to. */
    public static final String BROKER_HOST = "mailgrid.broker.host";
    /** Port the embedded broker's acceptor binds to. */
    public static final String BROKER_PORT = "mailgrid.broker.port";
    /** User the node authenticates with. */
    public static final String BROKER_USER = "mailgrid.broker.user";
    /** Password the node authenticates with. */
    public static final String BROKER_PASSWORD = "mailgrid.broker.password";
    /** User the command line (status, maintenance, quarantine, submit) authenticates with. */
    public static final String BROKER_OPERATOR_USER = "mailgrid.broker.operator-user";
    /** Password of the command line's user. */
    public static final String BROKER_OPERATOR_PASSWORD = "mailgrid.broker.operator-password";
    /** Whether the embedded broker's acceptor and every connection to the broker use TLS. */
    public static final String BROKER_TLS_ENABLED = "mailgrid.broker.tls.enabled";
    /** Trust store clients check the broker's certificate against; empty means the JVM's (public CAs). */
    public static final String BROKER_TLS_TRUST_STORE = "mailgrid.broker.tls.trust-store";
    /** Password of that trust store. */
    public static final String BROKER_TLS_TRUST_STORE_PASSWORD = "mailgrid.broker.tls.trust-store-password";
    /** How long the broker keeps a silent client's connection (and its reserved mails). */
    public static final String BROKER_CONNECTION_TTL = "mailgrid.broker.connection-ttl";
    /** How often the client checks the broker is still there; below the TTL. */
    public static final String BROKER_FAILURE_CHECK_PERIOD = "mailgrid.broker.client-failure-check-period";
    /** How often the client retries a lost connection; -1 forever. */
    public static final String BROKER_RECONNECT_ATTEMPTS = "mailgrid.broker.reconnect-attempts";
    /** Client prefetch in bytes; 0 means a consumer gets one mail at a time. */
    public static final String BROKER_CONSUMER_WINDOW = "mailgrid.broker.consumer-window-size";
    /** Longest a send (a received mail, a command) may wait for the broker to take it before it is abandoned uncommitted. */
    public static final String BROKER_SEND_TIMEOUT = "mailgrid.broker.send-timeout";
    /** Concurrent grabber consumers per mailbox. */
    public static final String GRABBER_CONSUMERS = "mailgrid.grabber.consumers";
    /** Bytes of mail grabbers and deliveries may hold in memory at once; empty means 40% of the heap. */
    public static final String MEMORY_MAIL_BUDGET = "mailgrid.memory.mail-budget";
    /** Checks every mail this node accepts requires besides its policy chain (a host-only node's own list). */
    public static final String POLICY_REQUIRED_CHECKS = "mailgrid.policy.required-checks";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(NODE_NAME),
                Setting.node(NODE_ROLE),
                Setting.node(DATA_DIR),
                Setting.node(ROUTES_DIR),
                Setting.node(BROKER_URL),
                Setting.node(BROKER_HOST),
                Setting.node(BROKER_PORT),
                Setting.node(BROKER_USER),
                Setting.node(BROKER_PASSWORD),
                Setting.node(BROKER_OPERATOR_USER),
                Setting.node(BROKER_OPERATOR_PASSWORD),
                Setting.node(BROKER_TLS_ENABLED),
                Setting.node(BROKER_TLS_TRUST_STORE),
                Setting.node(BROKER_TLS_TRUST_STORE_PASSWORD),
                Setting.node(BROKER_CONNECTION_TTL),
                Setting.node(BROKER_FAILURE_CHECK_PERIOD),
                Setting.node(BROKER_RECONNECT_ATTEMPTS),
                Setting.node(BROKER_CONSUMER_WINDOW),
                Setting.node(BROKER_SEND_TIMEOUT),
                Setting.node(GRABBER_CONSUMERS),
                Setting.node(MEMORY_MAIL_BUDGET),
                Setting.policy(POLICY_REQUIRED_CHECKS));
    }
}
