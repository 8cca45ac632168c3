package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import io.mailgrid.core.ConfigException;

class BrokerRedeliveryTest {

    @Test
    void theBrokersAnswerShouldGiveItsAttemptsAndDelay() {
        String json = new AddressSettings().setMaxDeliveryAttempts(2).setRedeliveryDelay(250).toJSON();

        assertThat(BrokerRedelivery.fromJson(json)).isEqualTo(new BrokerRedelivery(2, Duration.ofMillis(250)));
    }

    @Test
    void anAddressWithoutRedeliverySettingsShouldGetArtemisDefaultsNotTheProperties() {
        // a broker.xml whose mailgrid.# entry was never merged: Artemis redelivers 10 times at once
        assertThat(BrokerRedelivery.fromJson(new AddressSettings().toJSON()))
                .isEqualTo(new BrokerRedelivery(AddressSettings.DEFAULT_MAX_DELIVERY_ATTEMPTS,
                        Duration.ofMillis(AddressSettings.DEFAULT_REDELIVER_DELAY)));
    }

    @Test
    void unlimitedAttemptsShouldFailTheStartNamingTheAddressAndTheKey() {
        BrokerRedelivery forever = new BrokerRedelivery(-1, Duration.ZERO);

        assertThatThrownBy(() -> forever.requireUsable("mailgrid.mailbox.a", "tcp://b:61616"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mailgrid.mailbox.a").hasMessageContaining("tcp://b:61616")
                .hasMessageContaining(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS);
    }
}
