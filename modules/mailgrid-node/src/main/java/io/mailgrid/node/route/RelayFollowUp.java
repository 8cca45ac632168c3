package io.mailgrid.node.route;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.MailProperty;

/**
 * Prepares the copies {@link Publish} publishes when an SMTP relay took some recipients of a
 * mail but not all (see {@code SmtpRelayDelivery}).
 *
 * <p>Both copies are published in the delivery's transaction (a redelivered mail's outside it, see
 * docs/adr/0011), so the recipients the relay took are never sent to again, and the others are
 * neither lost nor doubled by a crash: either the outbound mail stays (nothing committed) or it is
 * replaced by these copies. Their duplicate-detection ids ({@link io.mailgrid.core.Stage#RELAY_RETRY},
 * {@link io.mailgrid.core.Stage#RELAY_REFUSED}) name the outbound message they come from,
 * so if that message comes back after a commit the broker half kept, its follow-ups are dropped as
 * the duplicates they are.
 */
public final class RelayFollowUp {

    private static final long MAX_DELAY_MILLIS = 60_000;

    private final Duration delay;
    private final Clock clock;

    /**
     * @param delay first retry delay ({@code mailgrid.redelivery.delay}); doubles per attempt up
     *              to a minute, as the broker's redelivery does
     * @param clock source of the scheduled retry time
     */
    public RelayFollowUp(Duration delay, Clock clock) {
        this.delay = delay;
        this.clock = clock;
    }

    /**
     * Before the publish to mailgrid.dlq: a copy for just the refused recipients, with the
     * relay's replies as the reason.
     */
    public void toDeadLetter(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(MailProperty.RCPT_TO, in.removeHeader(MailProperty.REFUSED_RCPT));
        in.setHeader(MailProperty.REASON, ControlCharacters.escape((String) in.removeHeader(MailProperty.REFUSED_REASON)));
        in.setHeader(MailProperty.FAILED_QUEUE, MailErrors.queueName(in));
        // RELAY_ATTEMPTS stays as received: toRetry, which may follow on this exchange, counts from it
        in.removeHeader(MailProperty.ARTEMIS_SCHEDULED_DELIVERY);
    }

    /**
     * Before the publish back to the outbound queue: a copy for just the deferred recipients,
     * delivered by the broker no earlier than the back-off delay, counting this attempt.
     */
    public void toRetry(Exchange exchange) {
        Message in = exchange.getMessage();
        int attempt = attempt(in);
        in.setHeader(MailProperty.RCPT_TO, in.removeHeader(MailProperty.DEFERRED_RCPT));
        in.removeHeader(MailProperty.REASON);
        in.removeHeader(MailProperty.FAILED_QUEUE);
        in.setHeader(MailProperty.RELAY_ATTEMPTS, attempt);
        in.setHeader(MailProperty.ARTEMIS_SCHEDULED_DELIVERY, clock.millis() + backOff(attempt));
    }

    /** Delay before retry copy number {@code attempt}: the configured delay, doubled per attempt, at most a minute. */
    long backOff(int attempt) {
        long millis = delay.toMillis();
        for (int i = 1; i < attempt && millis < MAX_DELAY_MILLIS; i++) {
            millis *= 2;
        }
        return Math.min(millis, MAX_DELAY_MILLIS);
    }

    /** Relay attempts so far, this one included: earlier copies' attempts plus this copy's deliveries. */
    private static int attempt(Message in) {
        return in.getHeader(MailProperty.RELAY_ATTEMPTS, 0, Integer.class)
                + in.getHeader(MailProperty.DELIVERY_COUNT, 1, Integer.class);
    }
}
