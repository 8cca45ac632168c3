package io.mailgrid.broker;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/**
 * The settings of the embedded broker: its configuration file, its TLS key store, the redelivery
 * values broker.xml takes from them, the quarantine's retention (an expiry the broker enforces) and
 * the free disk space below which it refuses new messages.
 */
public final class BrokerSettingsCatalog implements SettingsCatalog {

    /** The broker.xml the embedded broker starts from. */
    public static final String BROKER_CONFIG = "mailgrid.broker.config";
    /** PKCS12 key store of the embedded broker's acceptor (its key and certificate). */
    public static final String BROKER_TLS_KEY_STORE = "mailgrid.broker.tls.key-store";
    /** Password of that key store. */
    public static final String BROKER_TLS_KEY_STORE_PASSWORD = "mailgrid.broker.tls.key-store-password";
    /** Delay before the broker redelivers a rolled-back mail. */
    public static final String REDELIVERY_DELAY = "mailgrid.redelivery.delay";
    /** Deliveries of a mail before it goes to the dead-letter queue. */
    public static final String REDELIVERY_MAX_ATTEMPTS = "mailgrid.redelivery.max-attempts";
    /** How long quarantined mail is kept before the broker expires it (0 = forever). */
    public static final String QUARANTINE_RETENTION = "mailgrid.quarantine.retention";
    /** Free space below which the broker refuses new messages (Artemis's min-disk-free). */
    public static final String MIN_DISK_FREE = "mailgrid.broker.min-disk-free";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(BROKER_CONFIG),
                Setting.node(BROKER_TLS_KEY_STORE),
                Setting.node(BROKER_TLS_KEY_STORE_PASSWORD),
                Setting.node(REDELIVERY_DELAY),
                Setting.node(REDELIVERY_MAX_ATTEMPTS),
                Setting.node(QUARANTINE_RETENTION),
                Setting.node(MIN_DISK_FREE));
    }
}
