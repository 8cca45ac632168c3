package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestCertificates;
import io.mailgrid.testing.TestHome;

/** Who may use the SMTP listener, and the settings an operator can get wrong. */
class SmtpAccessTest {

    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static Path users;

    @BeforeAll
    static void keysAndUsers() throws Exception {
        certificates = TestCertificates.generate(dir);
        users = Files.writeString(dir.resolve("users.properties"), "alice = " + SmtpUsers.hash("alice-password") + "\n");
    }

    private static MailgridConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of(IngressSettingsCatalog.SMTP_PORT, "2525"));
        all.putAll(values);
        return TestHome.config("a", dir, 1, all);
    }

    private static Map<String, String> withAuth(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put(IngressSettingsCatalog.SMTP_TLS_KEY_STORE, certificates.keyStore().toString());
        all.put(IngressSettingsCatalog.SMTP_TLS_KEY_STORE_PASSWORD, certificates.password());
        all.put(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE, users.toString());
        return all;
    }

    private static SmtpAccess access(MailgridConfig config) {
        return SmtpAccess.from(config, SmtpSettings.from(config));
    }

    @Test
    void byDefaultOnlyLoopbackClientsShouldGetInAndNobodyElseEvenToAuthenticate() throws Exception {
        SmtpAccess access = access(config(Map.of()));

        assertThat(access.admit(InetAddress.getByName("127.0.0.1"))).isEqualTo(SmtpAccess.Admission.TRUSTED);
        assertThat(access.admit(InetAddress.getByName("192.0.2.7"))).isEqualTo(SmtpAccess.Admission.REFUSED);
        assertThat(access.toString()).doesNotContain("STARTTLS", "AUTH");
    }

    @Test
    void withAuthClientsElsewhereShouldConnectButMustAuthenticateAndTheListedNetworksNeedNot() throws Exception {
        SmtpAccess access = access(config(withAuth(Map.of(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "10.1.0.0/16"))));

        assertThat(access.admit(InetAddress.getByName("10.1.2.3"))).isEqualTo(SmtpAccess.Admission.TRUSTED);
        assertThat(access.admit(InetAddress.getByName("192.0.2.7"))).isEqualTo(SmtpAccess.Admission.AUTH_REQUIRED);
        assertThat(access.toString()).contains("STARTTLS", "AUTH PLAIN LOGIN for 1 user(s)");
    }

    @Test
    void aListenerOnEveryInterfaceShouldBeAcceptedWithAuthInsteadOfAllowedNetworks() {
        MailgridConfig config = config(withAuth(Map.of(IngressSettingsCatalog.SMTP_BIND_ADDRESS, "0.0.0.0")));

        assertThat(SmtpSettings.from(config).bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(access(config).admit(InetAddress.getLoopbackAddress())).isEqualTo(SmtpAccess.Admission.TRUSTED);
    }

    @Test
    void authWithoutAKeyStoreShouldStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> access(config(Map.of(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE, users.toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IngressSettingsCatalog.SMTP_TLS_KEY_STORE);
    }

    @Test
    void aPlainTextPasswordInTheUsersFileShouldStopTheStartNamingTheUser() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.properties"), "bob = hunter2\n");
        Map<String, String> values = withAuth(Map.of());
        values.put(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE, plain.toString());

        assertThatThrownBy(() -> access(config(values)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(IngressSettingsCatalog.SMTP_AUTH_USERS_FILE).hasMessageContaining("'bob'").hasMessageContaining("hash");
    }

    @Test
    void aWrongKeyStorePasswordShouldStopTheStartNamingTheKey() {
        Map<String, String> values = withAuth(Map.of());
        values.put(IngressSettingsCatalog.SMTP_TLS_KEY_STORE_PASSWORD, "wrong");

        assertThatThrownBy(() -> access(config(values)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IngressSettingsCatalog.SMTP_TLS_KEY_STORE);
    }
}
