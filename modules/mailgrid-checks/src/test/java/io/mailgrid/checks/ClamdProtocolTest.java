package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/** Reading clamd's answers fail-closed, its address, and the clamd settings; no daemon needed. */
class ClamdProtocolTest {

    @TempDir
    Path dir;

    @Test
    void onlyStreamOkShouldBeCleanAndOnlyANamedFindingInfected() {
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ClamdReply(ClamdReply.Kind.OK, ""));
        assertThat(ClamdReply.parse("stream: Eicar-Signature FOUND"))
                .isEqualTo(new ClamdReply(ClamdReply.Kind.FOUND, "Eicar-Signature"));
        assertThat(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND").text())
                .isEqualTo("Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68)");
        for (String notAVerdict : new String[] {"INSTREAM size limit exceeded. ERROR", "Error writing to temporary file ERROR",
                "COMMAND READ TIMED OUT", "UNKNOWN COMMAND", "", "stream: OK ", "stream: OKAY", "stream:  FOUND",
                "PONG", "stream: OK\nstream: Eicar FOUND"}) {
            assertThat(ClamdReply.parse(notAVerdict).kind()).as("'%s'", notAVerdict).isEqualTo(ClamdReply.Kind.ERROR);
        }
    }

    @Test
    void repliesShouldBeKeptPrintableAndShort() {
        ClamdReply reply = ClamdReply.parse("stream: Evil\u001b[31m\u0007Name" + "x".repeat(500) + " FOUND");

        assertThat(reply.kind()).isEqualTo(ClamdReply.Kind.FOUND);
        assertThat(reply.text()).startsWith("Evil?[31m?Name").hasSize(163).endsWith("...").doesNotContain("\u001b");
    }

    @Test
    void addressesShouldBeAUnixSocketOrAHostAndPort() {
        assertThat(ClamdAddress.parse("unix:/var/run/clamav/clamd.ctl").socket()).isEqualTo(Path.of("/var/run/clamav/clamd.ctl"));
        assertThat(ClamdAddress.parse("tcp:127.0.0.1:3310")).isEqualTo(new ClamdAddress(null, "127.0.0.1", 3310));
        assertThat(ClamdAddress.parse("tcp:[::1]:3310")).hasToString("tcp:[::1]:3310");
        for (String bad : new String[] {"/var/run/clamav/clamd.ctl", "unix:relative.sock", "tcp:localhost", "tcp::3310",
                "tcp:host:99999", "3310", "", "unix:/" + "x".repeat(120)}) {
            assertThatThrownBy(() -> ClamdAddress.parse(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badSettingsShouldFailNamingTheKey() {
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(MailgridConfig.CLAMD_ADDRESS, "/var/run/clamd.ctl"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(MailgridConfig.CLAMD_ADDRESS)
                .hasMessageContaining("unix:");
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(MailgridConfig.CLAMD_TIMEOUT, "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(MailgridConfig.CLAMD_TIMEOUT);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(MailgridConfig.CLAMD_CONNECT_TIMEOUT, "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(MailgridConfig.CLAMD_CONNECT_TIMEOUT);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(MailgridConfig.CLAMD_POOL_SIZE, "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(MailgridConfig.CLAMD_POOL_SIZE);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(MailgridConfig.CLAMD_STREAM_MAX_LENGTH, "lots"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(MailgridConfig.CLAMD_STREAM_MAX_LENGTH);
    }

    @Test
    void theShippedSettingsShouldBuildTheCheckWithoutTouchingClamd() {
        MailgridConfig shipped = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"), Map.of(),
                new Properties(), Map.of());
        try (ClamdScan scan = ClamdScan.from(shipped)) {
            assertThat(scan.describe()).isEqualTo("clamd (unix:/var/run/clamav/clamd.ctl, 8 pooled sessions, timeout 120000 ms, "
                    + "stream max 26214400 bytes)");
        }
    }
}
