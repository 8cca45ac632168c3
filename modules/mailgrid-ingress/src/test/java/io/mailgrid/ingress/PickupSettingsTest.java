package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.testing.TestHome;

class PickupSettingsTest {

    @TempDir
    Path dir;

    private PickupSettings settings(Map<String, String> values) {
        return PickupSettings.from(TestHome.config("a", dir, 1, values));
    }

    @Test
    void theShippedDefaultsShouldBeTheSmtpSizeLimitAndOneSecond() {
        PickupSettings settings = settings(Map.of());

        assertThat(settings.sizeLimit()).isEqualTo(SmtpSettings.from(TestHome.config("a", dir, 1, Map.of())).sizeLimit());
        assertThat(settings.minAge()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anUnusableValueShouldFailAtStartNamingTheKey() {
        for (String size : new String[] {"ten", "0", "3GB"}) {
            assertThatThrownBy(() -> settings(Map.of(IngressSettingsCatalog.PICKUP_SIZE_LIMIT, size)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(IngressSettingsCatalog.PICKUP_SIZE_LIMIT)
                    .hasMessageContaining(size);
        }
        assertThatThrownBy(() -> settings(Map.of(IngressSettingsCatalog.PICKUP_MIN_AGE, "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IngressSettingsCatalog.PICKUP_MIN_AGE);
    }
}
