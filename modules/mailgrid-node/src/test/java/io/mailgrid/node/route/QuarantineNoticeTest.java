package io.mailgrid.node.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailProperty;

class QuarantineNoticeTest {

    private static QuarantineNotice of(String admin, boolean recipients) {
        return QuarantineNotice.of(null, "mailgrid.quarantine.notify", admin, "mailgrid.quarantine.notify-recipients",
                recipients, address -> true, Clock.systemUTC());
    }

    @Test
    void aNotifyAddressThatIsNotOneOrRecipientsWithoutItShouldStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> of("postmaster", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mailgrid.quarantine.notify:");
        assertThatThrownBy(() -> of("a@b.example,c@d.example", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mailgrid.quarantine.notify:");
        assertThatThrownBy(() -> of("", true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mailgrid.quarantine.notify-recipients");
        assertThat(of("", false)).as("off").isNull();
        assertThat(of("postmaster@example.com", true)).isNotNull();
    }

    @Test
    void neitherANotificationNorABounceShouldBeSummarisedButAnyOtherMailShould() {
        assertThat(QuarantineNotice.wanted(Map.of(MailProperty.MAIL_FROM, "a@example.com", MailProperty.SOURCE, "notification"))).isFalse();
        assertThat(QuarantineNotice.wanted(Map.of(MailProperty.MAIL_FROM, "", MailProperty.SOURCE, "smtp"))).isFalse();
        assertThat(QuarantineNotice.wanted(Map.of(MailProperty.SOURCE, "smtp"))).isFalse();
        assertThat(QuarantineNotice.wanted(Map.of(MailProperty.MAIL_FROM, "a@example.com", MailProperty.SOURCE, "smtp"))).isTrue();
    }

}
