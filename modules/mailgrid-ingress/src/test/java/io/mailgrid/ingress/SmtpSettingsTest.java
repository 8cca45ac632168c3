package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.testing.TestHome;

class SmtpSettingsTest {

    @TempDir
    Path dir;

    private MailgridConfig config(Map<String, String> values) {
        return TestHome.config("a", dir, 1, values);
    }

    @Test
    void theShippedDefaultsShouldListenOnLoopbackPort2525() {
        SmtpSettings settings = SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525")));

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.bindAddress().isLoopbackAddress()).isTrue();
        assertThat(settings.allowedClients().isEmpty()).isTrue();
        assertThat(settings.sizeLimit()).isEqualTo(10 * 1024 * 1024);
    }

    @Test
    void aListenerOtherMachinesCanReachShouldNeedTheAllowedNetworks() {
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525",
                IngressSettingsCatalog.SMTP_BIND_ADDRESS, "0.0.0.0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS)
                .hasMessageContaining("0.0.0.0");

        SmtpSettings settings = SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525",
                IngressSettingsCatalog.SMTP_BIND_ADDRESS, "0.0.0.0", IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "10.1.0.0/16")));
        assertThat(settings.allowedClients().isEmpty()).isFalse();
    }

    @Test
    void portZeroShouldTurnSmtpOffWhateverTheBindAddress() {
        assertThat(SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "0",
                IngressSettingsCatalog.SMTP_BIND_ADDRESS, "0.0.0.0"))).enabled()).isFalse();
    }

    @Test
    void badValuesShouldFailNamingTheKey() {
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "10.0.0.0/33"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "office"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "70000"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_PORT);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "0"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_SIZE_LIMIT);
    }

    @Test
    void theSizeLimitShouldTakeAUnitAsThePropertiesFileHeaderSays() {
        assertThat(SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "25MB"))).sizeLimit()).isEqualTo(25 << 20);
        assertThat(SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "1000"))).sizeLimit()).isEqualTo(1000);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "2GB"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_SIZE_LIMIT);
    }

    @Test
    void theShippedLimitsForSlowClientsShouldBeSetAndCheckedAtStartUp() {
        SmtpSettings settings = SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525")));
        assertThat(settings.sessionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.dataTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.maxConnectionsPerClient()).isEqualTo(8);
        assertThat(settings.maxCommandsWithoutProgress()).isEqualTo(100);

        assertThat(SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS, "4"))).maxConnectionsPerClient())
                .as("never above the overall limit").isEqualTo(4);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_DATA_TIMEOUT, "0"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_DATA_TIMEOUT);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_SESSION_TIMEOUT, "soon"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_SESSION_TIMEOUT);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS_PER_CLIENT, "0"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS_PER_CLIENT);
        assertThatThrownBy(() -> SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS, "-1"))))
                .hasMessageContaining(IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS);
    }

    @Test
    void aSizeLimitAboveTheMemoryBudgetShouldBeRefusedNamingBothKeys() {
        SmtpSettings settings = SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525")));

        settings.requireFits(new MemoryBudget(10 << 20));
        assertThatThrownBy(() -> settings.requireFits(new MemoryBudget(8 << 20)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(IngressSettingsCatalog.SMTP_SIZE_LIMIT)
                .hasMessageContaining(CoreSettingsCatalog.MEMORY_MAIL_BUDGET);
        SmtpSettings.from(config(Map.of(IngressSettingsCatalog.SMTP_PORT, "0"))).requireFits(new MemoryBudget(1 << 20));
    }

    @Test
    void networksShouldMatchByPrefixForIpv4AndIpv6() throws Exception {
        ClientNetworks networks = ClientNetworks.parse("10.1.0.0/16, 192.0.2.7, 2001:db8::/32, 172.16.0.0/12");

        assertThat(networks.allows(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(networks.allows(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(networks.allows(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(networks.allows(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(networks.allows(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(networks.allows(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(networks.allows(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(networks.allows(InetAddress.getByName("2001:db9::5"))).isFalse();
        assertThat(networks.allows(InetAddress.getByName("127.0.0.1"))).as("loopback is not implied once networks are listed").isFalse();
        assertThat(ClientNetworks.parse("").allows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(ClientNetworks.parse("").allows(InetAddress.getByName("10.0.0.1"))).isFalse();
    }
}
