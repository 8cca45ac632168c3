package io.mailgrid.node.route;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import io.mailgrid.checks.CheckStep;
import io.mailgrid.cluster.ClusterAgent;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.core.Verdict;

/**
 * Runs the policy chain ({@code direct:policy-chain}) on a reserved mail within the reservation
 * deadline; bound as {@code reservation} and used by the grabber route.
 *
 * <p>The chain runs on a worker thread while the grabber's thread, which holds the JMS
 * transaction, waits at most {@code mailgrid.reservation.timeout}. Past the deadline the worker is
 * interrupted and {@link ReservationExpiredException} rolls the transaction back, so a hung
 * check never holds a mail for longer than that. The chain never touches JMS; only the grabber
 * thread publishes.
 *
 * <p>Before the chain runs, verdict fields are reset (a re-checked mail is judged afresh); after
 * it, the processing node, time and attempt are recorded for the stamp.
 *
 * <p>A mail that requires a check this node's chain lacks never reaches it: the grabber's selector
 * leaves it for a node that has them all (docs/adr/0018). Should one reach it anyway (a grabber
 * route edited without its selector), the chain does not run: {@link CheckMissingException} rolls
 * the transaction back, and after the configured attempts the mail is dead-lettered with that
 * reason; it is never delivered unchecked.
 */
public final class Reservation implements Processor, AutoCloseable, ClusterAgent.Workload {

    /** The route the policy chain starts at (routes/policy.xml). */
    public static final String POLICY_CHAIN = "direct:policy-chain";

    private final String node;
    private final Duration timeout;
    private final Clock clock;
    private final List<String> chain;
    private final ExecutorService workers;
    private volatile ProducerTemplate template;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightOwn = new AtomicInteger();
    private final AtomicLong processed = new AtomicLong();

    /**
     * @param node    this node's name, recorded as the processing node
     * @param timeout the reservation deadline for one mail
     * @param clock   source of the processing time
     * @param chain   the checks of this node's policy chain: a mail requiring any other is refused
     */
    public Reservation(String node, Duration timeout, Clock clock, List<String> chain) {
        this.node = node;
        this.timeout = timeout;
        this.clock = clock;
        this.chain = List.copyOf(chain);
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "mailgrid-policy-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        boolean own = node.equals(exchange.getMessage().getHeader(MailProperty.ORIGIN, String.class));
        inFlight.incrementAndGet();
        if (own) {
            inFlightOwn.incrementAndGet();
        }
        try {
            reserve(exchange);
            processed.incrementAndGet();
        } finally {
            inFlight.decrementAndGet();
            if (own) {
                inFlightOwn.decrementAndGet();
            }
        }
    }

    /** Mails of this node's own mailbox (its origin) in the policy chain right now. */
    @Override
    public int inFlightOwn() {
        return inFlightOwn.get();
    }

    /** Mails in the policy chain right now. */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    /** Mails whose policy chain finished since the node started. */
    @Override
    public long processed() {
        return processed.get();
    }

    private void reserve(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String required = in.getHeader(MailProperty.REQUIRED_CHECKS, String.class);
        if (required != null && !RequiredChecks.parse(required).satisfiedBy(chain)) {
            throw new CheckMissingException(in.getHeader(MailProperty.MAIL_ID, String.class), node,
                    RequiredChecks.parse(required).missingFrom(chain));
        }
        in.setHeader(MailProperty.ATTEMPT, in.getHeader(MailProperty.DELIVERY_COUNT, 1, Integer.class));
        in.setHeader(MailProperty.VERDICT, Verdict.CLEAN.name());
        in.removeHeader(MailProperty.REASON);
        in.removeHeader(MailProperty.CHECKS);
        in.removeHeader(MailProperty.TAGS);

        // a fresh exchange, not a copy: the grabber's exchange (and its JMS transaction) must never
        // share state with a thread that may be interrupted at the deadline
        Exchange chain = new DefaultExchange(exchange.getContext());
        chain.getMessage().setBody(in.getBody(byte[].class));
        chain.getMessage().setHeaders(new HashMap<>(in.getHeaders()));
        Future<Exchange> run = workers.submit(() -> template(exchange).send(POLICY_CHAIN, chain));
        try {
            run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new ReservationExpiredException(in.getHeader(MailProperty.MAIL_ID, String.class), timeout,
                    chain.getProperty(CheckStep.CURRENT_STEP, String.class));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (chain.getException() != null) {
            throw chain.getException();
        }
        in.setHeaders(chain.getMessage().getHeaders());
        in.setBody(chain.getMessage().getBody()); // a step with outcome tag marks the mail's bytes
        in.setHeader(MailProperty.PROCESSED_BY, node);
        in.setHeader(MailProperty.PROCESSED_AT, clock.millis());
    }

    private ProducerTemplate template(Exchange exchange) {
        ProducerTemplate current = template;
        if (current == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
                current = template;
            }
        }
        return current;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
