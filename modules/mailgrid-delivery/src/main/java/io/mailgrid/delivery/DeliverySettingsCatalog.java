package io.mailgrid.delivery;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of delivery: Maildir or SMTP relay, concurrency, the record of delivered mail. */
public final class DeliverySettingsCatalog implements SettingsCatalog {

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
    /** Idle connections to the relay kept open for the next mails; 0 = a new connection per mail. */
    public static final String DELIVERY_RELAY_CONNECTIONS = "mailgrid.delivery.relay-connections";
    /** How long an idle connection to the relay is kept before it is closed. */
    public static final String DELIVERY_RELAY_IDLE_TIME = "mailgrid.delivery.relay-idle-time";
    /** How long a Maildir keeps its record of delivered mail ids after the last delivery of a day's mail. */
    public static final String DELIVERY_RECORD_RETENTION = "mailgrid.delivery.record-retention";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(DELIVERY_CONSUMERS),
                Setting.node(DELIVERY_MAILDIR),
                Setting.node(DELIVERY_RELAY),
                Setting.node(DELIVERY_RELAY_TIMEOUT),
                Setting.node(DELIVERY_RELAY_HELO),
                Setting.node(DELIVERY_RELAY_CONNECTIONS),
                Setting.node(DELIVERY_RELAY_IDLE_TIME),
                Setting.node(DELIVERY_RECORD_RETENTION));
    }
}
