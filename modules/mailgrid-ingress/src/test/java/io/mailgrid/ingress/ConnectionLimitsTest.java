package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.ingress.ConnectionLimits.Breach;
import io.mailgrid.testing.TestHome;

class ConnectionLimitsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;

    private ConnectionLimits limits(String session, String data, String idle, int maxCommands) {
        SmtpSettings settings = SmtpSettings.from(TestHome.config("a", dir, 1, Map.of(
                IngressSettingsCatalog.SMTP_SESSION_TIMEOUT, session, IngressSettingsCatalog.SMTP_DATA_TIMEOUT, data,
                IngressSettingsCatalog.SMTP_IDLE_TIMEOUT, idle,
                IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS, String.valueOf(maxCommands))));
        return new ConnectionLimits(settings, T0);
    }

    @Test
    void theReadTimeoutShouldBeTheIdleTimeoutUntilADeadlineComesSooner() {
        ConnectionLimits limits = limits("10m", "2m", "5m", 100);

        assertThat(limits.readTimeout(T0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.readTimeout(T0.plusSeconds(7 * 60))).isEqualTo(Duration.ofMinutes(3));
        limits.dataStarted(T0.plusSeconds(60));
        assertThat(limits.readTimeout(T0.plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        limits.dataEnded();
        assertThat(limits.readTimeout(T0.plusSeconds(90))).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.readTimeout(T0.plusSeconds(601))).as("never 0, which means forever").isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void aSessionPastItsDeadlineShouldBeCutOffAndTheReplyShouldNameTheKey() {
        ConnectionLimits limits = limits("10m", "5m", "5m", 100);

        assertThat(limits.breach(T0.plusSeconds(599))).isEmpty();
        assertThat(limits.breach(T0.plusSeconds(600))).contains(Breach.SESSION_TIME);
        assertThat(limits.reply(Breach.SESSION_TIME)).startsWith("421 4.4.2 ").contains("10m")
                .contains(IngressSettingsCatalog.SMTP_SESSION_TIMEOUT);
    }

    @Test
    void aMailBodyPastItsDeadlineShouldBeCutOffButNotOnceItHasArrived() {
        ConnectionLimits limits = limits("1h", "30s", "5m", 100);

        limits.dataStarted(T0.plusSeconds(10));
        assertThat(limits.receivingData()).isTrue();
        assertThat(limits.breach(T0.plusSeconds(39))).isEmpty();
        assertThat(limits.breach(T0.plusSeconds(40))).contains(Breach.DATA_TIME);
        assertThat(limits.reply(Breach.DATA_TIME)).startsWith("421 4.4.2 ").contains("30s");
        limits.dataEnded();
        assertThat(limits.breach(T0.plusSeconds(40))).as("publishing and replying are not DATA time").isEmpty();
    }

    @Test
    void commandsShouldCountUntilAMailIsAcceptedAndAcceptedRecipientsShouldNot() {
        ConnectionLimits limits = limits("1h", "5m", "5m", 5);

        limits.linesRead(3); // EHLO, MAIL, RCPT
        limits.recipientAccepted();
        limits.linesRead(1); // DATA
        limits.dataStarted(T0);
        limits.linesRead(5000); // the body's lines are not commands
        limits.dataEnded();
        assertThat(limits.breach(T0)).isEmpty();
        limits.mailAccepted();

        limits.linesRead(4);
        assertThat(limits.breach(T0)).isEmpty();
        limits.linesRead(1);
        assertThat(limits.breach(T0)).as("the 6th command is not read").contains(Breach.NO_PROGRESS);
        assertThat(limits.reply(Breach.NO_PROGRESS)).startsWith("421 4.7.0 ").contains("5 commands");
    }
}
