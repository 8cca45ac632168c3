package io.mailgrid.broker;

import java.time.Duration;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The redelivery a broker applies to an address, read from the broker itself so the node can apply
 * the same (docs/adr/0034): the node dead-letters with the reason on the last attempt, and a relay's
 * retry copies back off like the broker.
 *
 * @param maxAttempts deliveries of one mail before the broker dead-letters it
 * @param delay       wait before the first redelivery
 */
public record BrokerRedelivery(int maxAttempts, Duration delay) {

    /** The management operation that returns an address's settings as the broker resolved them. */
    static final String OPERATION = "getAddressSettingsAsJSON";

    /** The values the properties give (what broker.xml takes through its placeholders). */
    public static BrokerRedelivery ofProperties(MailgridConfig config) {
        return new BrokerRedelivery(config.integer(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, 1),
                config.duration(BrokerSettingsCatalog.REDELIVERY_DELAY));
    }

    /**
     * Asks the broker in {@code config} (embedded or not), with the node's login, for the settings
     * that apply to {@code address}: broker.xml as the broker loaded it, defaults included.
     */
    public static BrokerRedelivery read(MailgridConfig config, String address) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config, BrokerLogin.NODE)) {
            return fromJson((String) management.invoke("broker", OPERATION, address));
        }
    }

    /** Parses the broker's answer; a setting broker.xml does not give has Artemis's default. */
    static BrokerRedelivery fromJson(String json) {
        AddressSettings settings = AddressSettings.fromJSON(json);
        return new BrokerRedelivery(settings.getMaxDeliveryAttempts(), Duration.ofMillis(settings.getRedeliveryDelay()));
    }

    /**
     * Fails when the node could not match these values: with unlimited attempts a mail that fails
     * every time would be redelivered for ever instead of dead-lettered with its reason.
     */
    public BrokerRedelivery requireUsable(String address, String broker) {
        if (maxAttempts < 1) {
            throw new ConfigException("max-delivery-attempts for " + address + " is " + maxAttempts + " (unlimited) on the broker at "
                    + broker + ": a mail failing every time would never reach the dead-letter queue; set it in broker.xml to "
                    + "a number (" + BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS + " fills the shipped placeholder)");
        }
        return this;
    }
}
