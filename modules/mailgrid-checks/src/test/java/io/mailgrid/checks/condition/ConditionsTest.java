package io.mailgrid.checks.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.CheckSettings;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.testing.TestHome;

/** The named conditions on envelopes an attacker or a careless sender controls. */
class ConditionsTest {

    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    @TempDir
    Path dir;

    @AfterAll
    static void close() throws Exception {
        CAMEL.close();
    }

    @Test
    void directionShouldComeFromTheLocalDomainsAndTreatMixedRecipientsAsOutbound() {
        Map<String, MailCondition> named = named("example.com,*.example.com");

        assertThat(holding(named, "eve@outside.example", "bob@example.com")).containsExactly("inbound");
        assertThat(holding(named, "", "bob@example.com")).as("the null sender").containsExactly("inbound");
        assertThat(holding(named, "bob@EXAMPLE.com", "ann@sales.example.com")).containsExactly("internal");
        assertThat(holding(named, "bob@example.com", "ann@example.com,eve@outside.example")).containsExactly("outbound");
        assertThat(holding(named, "bob@example.com.outside.example", "ann@example.com"))
                .as("a look-alike domain is outside").containsExactly("inbound");
    }

    @Test
    void withoutLocalDomainsEveryMailShouldBeInbound() {
        assertThat(holding(named(""), "bob@example.com", "ann@example.com")).containsExactly("inbound");
    }

    @Test
    void aBadLocalDomainShouldFailStartUpNamingTheKey() {
        assertThatThrownBy(() -> named("example.com,exa mple.com")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CheckSettings.LOCAL_DOMAINS);
    }

    @Test
    void domainAndAddressPatternsShouldMatchWholeValuesIgnoringCase() {
        SenderDomain partner = new SenderDomain();
        partner.setDomains("partner.example, *.partner.example");
        RecipientAddress board = new RecipientAddress();
        board.setAddresses("*@board.example.com");
        SizeAtLeast large = new SizeAtLeast();
        large.setSize("10KB");

        assertThat(partner.matches(mail("ann@EU.Partner.example", "bob@example.com", 1))).isTrue();
        assertThat(partner.matches(mail("ann@notpartner.example", "bob@example.com", 1))).isFalse();
        assertThat(partner.matches(mail("", "bob@example.com", 1))).isFalse();
        assertThat(board.matches(mail("a@x.example", "bob@example.com,ceo@board.example.com", 1))).isTrue();
        assertThat(large.matches(mail("a@x.example", "bob@example.com", 10 << 10))).isTrue();
        assertThat(large.matches(mail("a@x.example", "bob@example.com", (10 << 10) - 1))).isFalse();
    }

    private Map<String, MailCondition> named(String localDomains) {
        return Conditions.builtIn(TestHome.config("a", dir, 61616, Map.of(CheckSettings.LOCAL_DOMAINS, localDomains)));
    }

    private static List<String> holding(Map<String, MailCondition> named, String from, String to) {
        Exchange mail = mail(from, to, 100);
        return named.entrySet().stream().filter(e -> !e.getKey().equals("hasAttachment") && e.getValue().matches(mail))
                .map(Map.Entry::getKey).toList();
    }

    private static Exchange mail(String from, String to, long size) {
        Envelope envelope = new Envelope("m1", "a", from, List.of(to.split(",")), "test", null, null, Instant.now(), size, 0);
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setHeader(MailProperty.MAIL_ID, envelope.mailId());
        exchange.getMessage().setHeader(MailProperty.ORIGIN, envelope.origin());
        exchange.getMessage().setHeader(MailProperty.MAIL_FROM, envelope.mailFrom());
        exchange.getMessage().setHeader(MailProperty.RCPT_TO, String.join(",", envelope.recipients()));
        exchange.getMessage().setHeader(MailProperty.SIZE, size);
        exchange.getMessage().setBody(new byte[0]);
        return exchange;
    }
}
