package io.mailgrid.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;

/**
 * The node's mail metrics (Micrometer, scraped as Prometheus text at {@code /metrics}). Outcomes
 * are read from Camel's own exchange events on the grabber and delivery routes, so the route
 * beans stay free of metrics code: a check step's duration and verdict from the exchange sent to
 * {@code check:NAME}, quarantine and dead letters from a grabber's completed exchange, delivery
 * from a delivery route's, a redelivery from a failed (rolled back) exchange. Names follow
 * Prometheus conventions (README "Monitoring").
 */
public final class MailMetrics extends EventNotifierSupport {

    /** Exchange property the publish step sets when the grabber delivered the mail itself. */
    public static final String DELIVERED_BY_GRABBER = "mailgrid.deliveredByGrabber";

    /** The exchange property holding the checks run before a check step (to see whether it ran). */
    private static final String CHECKS_BEFORE = "mailgrid.metrics.checks-before";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final String deliveryTarget;
    private final MultiGauge nodes;
    private final MultiGauge queueWaiting;
    private final MultiGauge queueInFlight;
    // Each meter is built and registered once, on its first use (an unused one stays out of the scrape),
    // then found by its tag values: a mail costs a map lookup per meter, not a builder and a registry search
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> redelivered = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> quarantined = new ConcurrentHashMap<>();
    private final Map<String, Timer> checkDuration = new ConcurrentHashMap<>();
    private final Map<CheckVerdict, Counter> checked = new ConcurrentHashMap<>();
    private volatile Counter delivered;
    private volatile Timer latency;

    /** The tags of the checked counter. */
    private record CheckVerdict(String check, String verdict) {
    }

    /**
     * @param deliveryTarget how this node delivers (maildir or relay), the delivered counter's target label
     */
    public MailMetrics(Clock clock, String deliveryTarget) {
        this.clock = clock;
        this.deliveryTarget = deliveryTarget;
        this.nodes = MultiGauge.builder("mailgrid.nodes").description("Nodes this node knows, by state")
                .register(registry);
        this.queueWaiting = MultiGauge.builder("mailgrid.queue.waiting")
                .description("Mails waiting in each Mailgrid queue of the broker this node uses").register(registry);
        this.queueInFlight = MultiGauge.builder("mailgrid.queue.in.flight")
                .description("Mails reserved by a consumer in each Mailgrid queue").register(registry);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /** Mails in flight on this node and the memory budget in use, read at every scrape. */
    public void gauges(IntSupplier inFlight, LongSupplier memoryInUse) {
        Gauge.builder("mailgrid.mails.in.flight", inFlight, s -> s.getAsInt())
                .description("Mails this node is checking or delivering right now").register(registry);
        Gauge.builder("mailgrid.memory.budget.used.bytes", memoryInUse, s -> s.getAsLong())
                .description("Bytes of the mail memory budget (mailgrid.memory.mail-budget) in use").register(registry);
    }

    /** Counts a mail ingress stored in the broker (SMTP, pickup, submit). */
    public void accepted(Envelope envelope) {
        accepted.computeIfAbsent(envelope.source(), ingress -> counter("mailgrid.mails.accepted",
                "Mails accepted and stored, by ingress", Tags.of("ingress", ingress))).increment();
    }

    /** Sets the nodes-by-state gauge from the node's view of its cluster (node name to state). */
    public void nodes(Map<String, String> byNode) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        byNode.values().forEach(state -> counts.merge(state, 1L, Long::sum));
        nodes.register(counts.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("state", e.getKey()), e.getValue())).toList(), true);
    }

    /**
     * Refreshes what the scrape reads from elsewhere (nodes by state, and the depth of every
     * Mailgrid queue as the broker reports it now; left as they were if the broker cannot be
     * asked), then renders every meter in Prometheus text format.
     */
    public String scrape(Supplier<Map<String, String>> clusterView, ClusterPage.QueueSource queues) {
        nodes(clusterView.get());
        try {
            List<ClusterPage.QueueRow> rows = queues.read().queues();
            queueWaiting.register(rows.stream().map(q -> MultiGauge.Row.of(Tags.of("queue", q.name()), q.waiting())).toList(), true);
            queueInFlight.register(rows.stream().map(q -> MultiGauge.Row.of(Tags.of("queue", q.name()), q.inFlight())).toList(), true);
        } catch (Exception e) {
            // the broker's management is not reachable now: the queue gauges keep their last values
        }
        return registry.scrape();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSendingEvent || event instanceof ExchangeSentEvent
                || event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending && isCheck(sending.getEndpoint().getEndpointUri())) {
            Exchange exchange = sending.getExchange();
            exchange.setProperty(CHECKS_BEFORE, Objects.toString(exchange.getMessage().getHeader(MailProperty.CHECKS), ""));
        } else if (event instanceof ExchangeSentEvent sent && isCheck(sent.getEndpoint().getEndpointUri())) {
            checkSent(sent);
        } else if (event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent) {
            Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
            String route = exchange.getFromRouteId();
            if (route == null) {
                return;
            }
            if (event instanceof ExchangeFailedEvent) {
                if (route.startsWith("grabber-") || route.startsWith("delivery-")) {
                    redelivered.computeIfAbsent(route.startsWith("grabber-") ? "check" : "delivery", stage -> counter(
                            "mailgrid.mails.redelivered", "Attempts that failed and rolled back: the broker redelivers the mail",
                            Tags.of("stage", stage))).increment();
                }
            } else if (route.startsWith("grabber-")) {
                grabbed(exchange);
            } else if (route.startsWith("delivery-")) {
                delivered(exchange);
            }
        }
    }

    private void checkSent(ExchangeSentEvent sent) {
        Exchange exchange = sent.getExchange();
        String check = checkName(sent.getEndpoint().getEndpointUri());
        Message in = exchange.getMessage();
        String before = exchange.getProperty(CHECKS_BEFORE, "", String.class);
        exchange.removeProperty(CHECKS_BEFORE);
        String verdict;
        if (exchange.getException() != null) {
            verdict = "ERROR";
        } else if (Objects.toString(in.getHeader(MailProperty.CHECKS), "").equals(before)) {
            return; // skipped: an earlier check already decided
        } else {
            verdict = Objects.toString(in.getHeader(MailProperty.VERDICT), "CLEAN");
        }
        checkDuration.computeIfAbsent(check, name -> Timer.builder("mailgrid.check.duration")
                .description("Time one check step took on one mail").tag("check", name).publishPercentileHistogram()
                .register(registry)).record(Duration.ofMillis(sent.getTimeTaken()));
        checked.computeIfAbsent(new CheckVerdict(check, verdict), key -> counter("mailgrid.mails.checked",
                "Check steps run on mails, by check and the verdict after it",
                Tags.of("check", key.check(), "verdict", key.verdict()))).increment();
    }

    private void grabbed(Exchange exchange) {
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null) {
            deadLettered("check");
            return;
        }
        if (Boolean.TRUE.equals(exchange.getProperty(DELIVERED_BY_GRABBER, Boolean.class))) {
            delivered(exchange); // a node's own mail into its Maildir, without the delivery route (docs/adr/0035)
            return;
        }
        Object verdict = exchange.getMessage().getHeader(MailProperty.VERDICT);
        if (verdict != null && !"CLEAN".equals(verdict)) {
            quarantined.computeIfAbsent(verdict.toString(), name -> counter("mailgrid.mails.quarantined",
                    "Mails moved to " + Queues.QUARANTINE + ", by verdict", Tags.of("verdict", name))).increment();
        }
    }

    private void delivered(Exchange exchange) {
        Message in = exchange.getMessage();
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null) {
            deadLettered("delivery");
            return;
        }
        if (in.getHeader(MailProperty.REFUSED_RCPT) != null) {
            deadLettered("delivery");
        }
        if (in.getHeader(MailProperty.DEFERRED_RCPT) != null && in.getHeader(MailProperty.REFUSED_RCPT) == null) {
            return; // not delivered yet: back to the queue for a later attempt
        }
        if (delivered == null) {
            // two mails at once may both get here: the registry hands both the same counter
            delivered = counter("mailgrid.mails.delivered", "Mails delivered, by target (maildir or relay)",
                    Tags.of("target", deliveryTarget));
        }
        delivered.increment();
        Optional<Instant> received = receivedAt(in);
        if (received.isPresent()) {
            if (latency == null) {
                latency = Timer.builder("mailgrid.mail.latency").description("From ingress accepting a mail to its delivery")
                        .publishPercentileHistogram().register(registry);
            }
            latency.record(Duration.between(received.get(), clock.instant()));
        }
    }

    private void deadLettered(String stage) {
        deadLettered.computeIfAbsent(stage, name -> counter("mailgrid.mails.dead.lettered",
                "Mails moved to " + Queues.DLQ + " with the reason", Tags.of("stage", name))).increment();
    }

    /** When ingress accepted the mail (the one envelope property the latency needs); empty if not a Mailgrid mail. */
    private static Optional<Instant> receivedAt(Message in) {
        Object millis = in.getHeader(MailProperty.RECEIVED_AT);
        if (millis instanceof Number number) {
            return Optional.of(Instant.ofEpochMilli(number.longValue()));
        }
        try {
            return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(millis.toString())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private static boolean isCheck(String uri) {
        return uri != null && uri.startsWith("check:");
    }

    private static String checkName(String uri) {
        String name = uri.substring("check:".length());
        if (name.startsWith("//")) {
            name = name.substring(2);
        }
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }
}
