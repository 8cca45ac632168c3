package io.mailgrid.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

class HttpSettingsTest {

    @Test
    void portZeroShouldTurnCamelsServerOff() {
        HttpSettings off = HttpSettings.from(MailgridConfig.of(Map.of(HttpSettings.PORT, "0")));
        assertThat(off.enabled()).isFalse();
        assertThat(off.camelProperties()).containsEntry("camel.server.enabled", "false");
    }

    @Test
    void aPortShouldBeServedOnTheConfiguredAddress() {
        HttpSettings on = HttpSettings.from(MailgridConfig.of(Map.of(HttpSettings.PORT, "8025", HttpSettings.HOST, "127.0.0.1")));
        assertThat(on.camelProperties()).containsEntry("camel.server.enabled", "true")
                .containsEntry("camel.server.host", "127.0.0.1").containsEntry("camel.server.port", "8025");
    }

    @Test
    void badValuesShouldFailNamingTheKey() {
        assertThatThrownBy(() -> HttpSettings.from(MailgridConfig.of(Map.of(HttpSettings.PORT, "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(HttpSettings.PORT);
        assertThatThrownBy(() -> HttpSettings.from(MailgridConfig.of(Map.of(HttpSettings.PORT, "http"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(HttpSettings.PORT);
        assertThatThrownBy(() -> HttpSettings.from(MailgridConfig.of(Map.of(HttpSettings.PORT, "8025"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(HttpSettings.HOST);
    }
}
