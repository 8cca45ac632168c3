package io.mailgrid.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;

/**
 * Mailgrid's settings: the documented properties file, overridden by environment variables,
 * then by {@code -Dkey=value} system properties, then by command-line options.
 *
 * <p>An environment variable overrides a key when its name is the key in upper case with dots
 * and dashes turned into underscores: {@code MAILGRID_NODE_NAME} sets {@code mailgrid.node.name}.
 * Only keys that the properties file or a module's {@link SettingsCatalog} declares can be set from
 * the environment, so a stray variable cannot change anything by accident, and a short properties
 * file of one's own does not stop {@code MAILGRID_BROKER_PASSWORD} from working.
 *
 * <p>Getters fail fast with a {@link ConfigException} that names the key and the bad value.
 */
public final class MailgridConfig {

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
    /** The broker.xml the embedded broker starts from. */
    public static final String BROKER_CONFIG = "mailgrid.broker.config";
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
    /** PKCS12 key store of the embedded broker's acceptor (its key and certificate). */
    public static final String BROKER_TLS_KEY_STORE = "mailgrid.broker.tls.key-store";
    /** Password of that key store. */
    public static final String BROKER_TLS_KEY_STORE_PASSWORD = "mailgrid.broker.tls.key-store-password";
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

    /** Concurrent grabber consumers per mailbox. */
    public static final String GRABBER_CONSUMERS = "mailgrid.grabber.consumers";
    /** Processing deadline of one reserved mail. */
    public static final String RESERVATION_TIMEOUT = "mailgrid.reservation.timeout";
    /** Delay before the broker redelivers a rolled-back mail. */
    public static final String REDELIVERY_DELAY = "mailgrid.redelivery.delay";
    /** Deliveries of a mail before it goes to the dead-letter queue. */
    public static final String REDELIVERY_MAX_ATTEMPTS = "mailgrid.redelivery.max-attempts";
    /** How long a stopping node waits for in-flight mails before rolling them back. */
    public static final String SHUTDOWN_GRACE = "mailgrid.shutdown.grace-period";

    /** Whether the node drains &lt;data&gt;/pickup. */
    public static final String PICKUP_ENABLED = "mailgrid.pickup.enabled";
    /** How often the pickup folder is polled. */
    public static final String PICKUP_INTERVAL = "mailgrid.pickup.interval";
    /** Largest pickup (and submit) file read; a larger one is set aside unread. */
    public static final String PICKUP_SIZE_LIMIT = "mailgrid.pickup.size-limit";
    /** How long a pickup file must have stayed unchanged before it is read. */
    public static final String PICKUP_MIN_AGE = "mailgrid.pickup.min-age";

    /** Concurrent delivery consumers. */
    public static final String DELIVERY_CONSUMERS = "mailgrid.delivery.consumers";
    /** The Maildir checked mail is written to; empty means &lt;data&gt;/outbox. */
    public static final String DELIVERY_MAILDIR = "mailgrid.delivery.maildir";
    /** Next hop for checked mail, {@code smtp://host:port}; empty means the Maildir. */
    public static final String DELIVERY_RELAY = "mailgrid.delivery.relay";
    /** How long delivery waits for the relay to connect or answer one command. */
    public static final String DELIVERY_RELAY_TIMEOUT = "mailgrid.delivery.relay-timeout";
    /** Name delivery gives in EHLO to the relay; empty means the host name. */
    public static final String DELIVERY_RELAY_HELO = "mailgrid.delivery.relay-helo";
    /** How long a Maildir keeps its record of delivered mail ids after the last delivery of a day's mail. */
    public static final String DELIVERY_RECORD_RETENTION = "mailgrid.delivery.record-retention";

    /** Port of the SMTP listener; 0 disables it. */
    public static final String SMTP_PORT = "mailgrid.smtp.port";
    /** Address the SMTP listener binds to. */
    public static final String SMTP_BIND_ADDRESS = "mailgrid.smtp.bind-address";
    /** Client networks (CIDR, comma-separated) allowed to send; empty means loopback clients only. */
    public static final String SMTP_ALLOWED_NETWORKS = "mailgrid.smtp.allowed-networks";
    /** Client networks (CIDR, comma-separated) offered Postfix's XFORWARD; empty means none. */
    public static final String SMTP_XFORWARD_CLIENTS = "mailgrid.smtp.xforward-clients";
    /** Largest mail accepted over SMTP, in bytes; advertised as SIZE. */
    public static final String SMTP_SIZE_LIMIT = "mailgrid.smtp.size-limit";
    /** Most RCPT TO accepted for one mail. */
    public static final String SMTP_MAX_RECIPIENTS = "mailgrid.smtp.max-recipients";
    /** Longest line accepted in a mail, in bytes without the line ending. */
    public static final String SMTP_MAX_LINE_LENGTH = "mailgrid.smtp.max-line-length";
    /** Most SMTP connections open at once. */
    public static final String SMTP_MAX_CONNECTIONS = "mailgrid.smtp.max-connections";
    /** How long an SMTP connection may stay silent before it is closed. */
    public static final String SMTP_IDLE_TIMEOUT = "mailgrid.smtp.idle-timeout";
    /** Longest one SMTP connection may last, whatever it sends; then 421 and closed. */
    public static final String SMTP_SESSION_TIMEOUT = "mailgrid.smtp.session-timeout";
    /** Longest the body of one mail (DATA or BDAT) may take to arrive; then 421 and closed. */
    public static final String SMTP_DATA_TIMEOUT = "mailgrid.smtp.data-timeout";
    /** Most SMTP connections open at once from one client address. */
    public static final String SMTP_MAX_CONNECTIONS_PER_CLIENT = "mailgrid.smtp.max-connections-per-client";
    /** Most SMTP commands a connection may send without a mail being accepted; then 421 and closed. */
    public static final String SMTP_MAX_COMMANDS_WITHOUT_PROGRESS = "mailgrid.smtp.max-commands-without-progress";

    /** PKCS12 key store of the SMTP listener, for STARTTLS; empty means no STARTTLS. */
    public static final String SMTP_TLS_KEY_STORE = "mailgrid.smtp.tls.key-store";
    /** Password of that key store. */
    public static final String SMTP_TLS_KEY_STORE_PASSWORD = "mailgrid.smtp.tls.key-store-password";
    /** File of SMTP AUTH users (name = password hash); empty means no AUTH. */
    public static final String SMTP_AUTH_USERS_FILE = "mailgrid.smtp.auth.users-file";

    /** Mails of at least this size go through the large-mail lane of grabbers and deliveries. */
    public static final String LARGE_MAIL_SIZE = "mailgrid.large-mail.size";
    /** Concurrent consumers of the large-mail lane of each grabber and delivery. */
    public static final String LARGE_MAIL_CONSUMERS = "mailgrid.large-mail.consumers";
    /** Bytes of mail grabbers and deliveries may hold in memory at once; empty means 40% of the heap. */
    public static final String MEMORY_MAIL_BUDGET = "mailgrid.memory.mail-budget";

    /** How often a node publishes its heartbeat. */
    public static final String HEARTBEAT_INTERVAL = "mailgrid.heartbeat.interval";
    /** Silence after which a peer counts as DOWN and is taken over. */
    public static final String HEARTBEAT_TIMEOUT = "mailgrid.heartbeat.timeout";
    /** Whether an idle worker helps peers with their mailboxes (load balancing). */
    public static final String CLUSTER_HELP_PEERS = "mailgrid.cluster.help-peers";
    /** Whether a worker takes over a failed peer's mailbox although its policy hash differs. */
    public static final String CLUSTER_TAKEOVER_ON_DRIFT = "mailgrid.cluster.takeover-on-drift";
    /** Silence after which a DOWN peer with an empty mailbox and outbound queue is forgotten; 0 = never. */
    public static final String CLUSTER_FORGET_AFTER = "mailgrid.cluster.forget-after";

    /** Checks every mail this node accepts requires besides its policy chain (a host-only node's own list). */
    public static final String POLICY_REQUIRED_CHECKS = "mailgrid.policy.required-checks";

    // the checks' own keys are declared by the checks module (io.mailgrid.checks.*Settings, CheckSettings)

    private static final String PREFIX = "mailgrid.";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]B?|B)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;

    private MailgridConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Loads the properties file and applies the environment, the system properties and the
     * given overrides, in that order.
     */
    public static MailgridConfig load(Path file, Map<String, String> environment, Properties system,
            Map<String, String> overrides) {
        return load(file, List.of(), environment, system, overrides);
    }

    /**
     * As {@link #load(Path, Map, Properties, Map)}, where the environment may also set the given
     * keys the file does not declare (every module's declared keys).
     */
    public static MailgridConfig load(Path file, Collection<String> declaredKeys, Map<String, String> environment,
            Properties system, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(readFile(file));
        Set<String> settable = new LinkedHashSet<>(values.keySet());
        settable.addAll(declaredKeys);
        for (String key : settable) {
            String fromEnv = environment.get(environmentName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(PREFIX) || name.startsWith("camel.")) {
                values.put(name, system.getProperty(name));
            }
        }
        overrides.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
            }
        });
        return new MailgridConfig(values);
    }

    /** Settings from a map alone, for tests and tools that build their configuration in code. */
    public static MailgridConfig of(Map<String, String> values) {
        return new MailgridConfig(values);
    }

    /** A copy of these settings with some keys changed. */
    public MailgridConfig with(Map<String, String> changes) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(changes);
        return new MailgridConfig(copy);
    }

    /** A copy of these settings with one key changed. */
    public MailgridConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of a key that must be set and not blank. */
    public String string(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is not set; set it in the properties file, as "
                    + environmentName(key) + " or with -D" + key + "=...");
        }
        return value.trim();
    }

    /** The value of a key, or the fallback when it is missing or blank. */
    public String string(String key, String fallback) {
        String value = values.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** Whether the key has a non-blank value. */
    public boolean isSet(String key) {
        String value = values.get(key);
        return value != null && !value.isBlank();
    }

    /** A whole-number setting. */
    public int integer(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": expected a whole number, got '" + value + "'");
        }
    }

    /** A whole-number setting that must be at least {@code min}. */
    public int integer(String key, int min) {
        int value = integer(key);
        if (value < min) {
            throw new ConfigException(key + ": must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A true/false setting. */
    public boolean bool(String key) {
        String value = string(key).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key + ": expected true or false, got '" + value + "'");
        };
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 15m} or {@code 1h}; a bare number is milliseconds. */
    public Duration duration(String key) {
        String value = string(key);
        try {
            return Duration.ofMillis(TimeUtils.toMilliSeconds(value));
        } catch (RuntimeException e) {
            throw new ConfigException(key + ": expected a duration such as 500ms, 10s or 15m, got '" + value + "'", e);
        }
    }

    /**
     * A size such as {@code 64KB}, {@code 25MB} or {@code 1GB} (binary units: 1KB = 1024 bytes);
     * a bare number is bytes.
     */
    public long bytes(String key) {
        String value = string(key);
        Matcher size = SIZE.matcher(value);
        if (!size.matches()) {
            throw new ConfigException(key + ": expected a size such as 64KB, 25MB or 1GB, got '" + value + "'");
        }
        long number = Long.parseLong(size.group(1));
        String unit = size.group(2) == null ? "" : size.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB", "K" -> 10;
            case "MB", "M" -> 20;
            case "GB", "G" -> 30;
            default -> 0;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new ConfigException(key + ": size too large: '" + value + "'");
        }
        return number << shift;
    }

    /** A comma-separated list, each item trimmed, empty items dropped; empty when the key is blank. */
    public List<String> list(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** Every setting, for handing to Camel as property placeholders. */
    public Properties asProperties() {
        Properties properties = new Properties();
        values.forEach(properties::setProperty);
        return properties;
    }

    /** Every setting as an unmodifiable map. */
    public Map<String, String> asMap() {
        return values;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read the properties file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
