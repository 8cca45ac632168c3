package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

class QuarantineRetentionSettingTest {

    private static MailgridConfig retention(String value) {
        return MailgridConfig.of(Map.of(BrokerSettingsCatalog.QUARANTINE_RETENTION, value));
    }

    @Test
    void aRetentionThatIsNotADurationOrNegativeShouldStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> EmbeddedBroker.quarantineRetention(retention("a month")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mailgrid.quarantine.retention");
        assertThatThrownBy(() -> EmbeddedBroker.quarantineRetention(retention("-5s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mailgrid.quarantine.retention");
    }

    @Test
    void retentionShouldTakeDaysKeepZeroAsForeverAndDefaultToThirtyDaysWhenMissing() {
        assertThat(EmbeddedBroker.quarantineRetention(retention("30d"))).isEqualTo(Duration.ofDays(30));
        assertThat(EmbeddedBroker.quarantineRetention(retention("0"))).isZero();
        assertThat(EmbeddedBroker.quarantineRetention(MailgridConfig.of(Map.of()))).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void theBrokerShouldScanForExpiryAQuarterOfTheRetentionBetweenAHundredMillisecondsAndThirtySeconds() {
        assertThat(EmbeddedBroker.expiryScanPeriod(retention("2s"))).isEqualTo(Duration.ofMillis(500));
        assertThat(EmbeddedBroker.expiryScanPeriod(retention("100ms"))).isEqualTo(Duration.ofMillis(100));
        assertThat(EmbeddedBroker.expiryScanPeriod(retention("30d"))).isEqualTo(Duration.ofSeconds(30));
        assertThat(EmbeddedBroker.expiryScanPeriod(retention("0"))).isEqualTo(Duration.ofSeconds(30));
    }
}
