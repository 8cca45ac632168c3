package io.mailgrid.node.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.mailgrid.core.MailMessage;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Stage;

class RelayFollowUpTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private final RelayFollowUp followUp = new RelayFollowUp(Duration.ofSeconds(5), clock);

    private Exchange mixedOutcome(int relayAttempts, int deliveryCount) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(MailProperty.MAIL_ID, "m1");
        exchange.getMessage().setHeader(MailProperty.GENERATION, 0);
        exchange.getMessage().setHeader(MailProperty.RCPT_TO, "bob@example.com,carol@example.com,dave@example.org");
        exchange.getMessage().setHeader(MailProperty.REFUSED_RCPT, "carol@example.com");
        exchange.getMessage().setHeader(MailProperty.REFUSED_REASON, "relay refused <carol@example.com>: 550 5.1.1 unknown");
        exchange.getMessage().setHeader(MailProperty.DEFERRED_RCPT, "dave@example.org");
        exchange.getMessage().setHeader(MailProperty.RELAY_ATTEMPTS, relayAttempts);
        exchange.getMessage().setHeader(MailProperty.DELIVERY_COUNT, deliveryCount);
        exchange.getMessage().setHeader(MailProperty.JMS_MESSAGE_ID, "ID:outbound-copy-1");
        return exchange;
    }

    @Test
    void theDeadLetterCopyShouldNameOnlyTheRefusedRecipientsWithTheRelaysReply() {
        Exchange exchange = mixedOutcome(0, 1);

        followUp.toDeadLetter(exchange);
        MailMessage.stamp(Stage.RELAY_REFUSED, exchange.getMessage().getHeaders()); // as Publish does

        assertThat(exchange.getMessage().getHeader(MailProperty.RCPT_TO)).isEqualTo("carol@example.com");
        assertThat(exchange.getMessage().getHeader(MailProperty.REASON, String.class)).contains("550 5.1.1 unknown");
        assertThat(exchange.getMessage().getHeader(MailProperty.DUPLICATE_ID)).isEqualTo("m1:relay_refused:0:ID:outbound-copy-1");
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKeys(MailProperty.REFUSED_RCPT, MailProperty.REFUSED_REASON);
    }

    @Test
    void theRetryCopyShouldNameOnlyTheDeferredRecipientsAndWaitWithBackOff() {
        Exchange exchange = mixedOutcome(2, 2);
        followUp.toDeadLetter(exchange);

        followUp.toRetry(exchange);
        MailMessage.stamp(Stage.RELAY_RETRY, exchange.getMessage().getHeaders());

        assertThat(exchange.getMessage().getHeader(MailProperty.RCPT_TO)).isEqualTo("dave@example.org");
        assertThat(exchange.getMessage().getHeader(MailProperty.RELAY_ATTEMPTS)).isEqualTo(4);
        assertThat(exchange.getMessage().getHeader(MailProperty.DUPLICATE_ID)).isEqualTo("m1:relay_retry:0:ID:outbound-copy-1");
        assertThat(exchange.getMessage().getHeader(MailProperty.ARTEMIS_SCHEDULED_DELIVERY))
                .isEqualTo(clock.millis() + 40_000);
        assertThat(exchange.getMessage().getHeaders())
                .doesNotContainKeys(MailProperty.DEFERRED_RCPT, MailProperty.REASON, MailProperty.FAILED_QUEUE);
    }

    @Test
    void theSameMessageRedeliveredShouldGiveTheSameFollowUpIdsAndACopyOfItNewOnes() {
        Exchange first = mixedOutcome(0, 1);
        Exchange redelivered = mixedOutcome(0, 2);
        Exchange putBackByAnOperator = mixedOutcome(0, 1);
        putBackByAnOperator.getMessage().setHeader(MailProperty.JMS_MESSAGE_ID, "ID:outbound-copy-2");

        for (Exchange exchange : java.util.List.of(first, redelivered, putBackByAnOperator)) {
            followUp.toRetry(exchange);
            MailMessage.stamp(Stage.RELAY_RETRY, exchange.getMessage().getHeaders());
        }

        assertThat(redelivered.getMessage().getHeader(MailProperty.DUPLICATE_ID))
                .as("dropped by the broker if the first one's retry copy was kept")
                .isEqualTo(first.getMessage().getHeader(MailProperty.DUPLICATE_ID));
        assertThat(putBackByAnOperator.getMessage().getHeader(MailProperty.DUPLICATE_ID))
                .as("never mistaken for an old copy and dropped")
                .isNotEqualTo(first.getMessage().getHeader(MailProperty.DUPLICATE_ID));
    }

    @Test
    void theBackOffShouldDoubleUpToAMinute() {
        assertThat(followUp.backOff(1)).isEqualTo(5_000);
        assertThat(followUp.backOff(2)).isEqualTo(10_000);
        assertThat(followUp.backOff(4)).isEqualTo(40_000);
        assertThat(followUp.backOff(5)).isEqualTo(60_000);
        assertThat(followUp.backOff(50)).isEqualTo(60_000);
    }
}
