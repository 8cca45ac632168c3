package io.mailgrid.node.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MemoryBudget;

/**
 * The grabber and delivery routes' share of the node's {@link MemoryBudget}; bound as
 * {@code memoryBudget}, their first step, before anything reads a mail's body.
 *
 * <p>A mail of {@code size} bytes reserves {@code size × copies} bytes (the JMS client's buffer,
 * the body, the outgoing message) until its exchange completes, waiting for room when the budget
 * is taken (by other mails or by SMTP ingress); a mail larger than the whole budget reserves all
 * of it and runs alone. Small mails pass at once; a burst of 25 MB mails is processed a few at a
 * time instead of running the heap out.
 */
public final class MemoryBudgetStep implements Processor {

    /** Copies of a mail's bytes the node may hold while it processes or delivers it. */
    static final int COPIES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudgetStep.class);

    private final MemoryBudget budget;

    public MemoryBudgetStep(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        // the first step of grabbers and deliveries: from here to the exchange's end every log line
        // names the mail (mail=<id>, or mdc.mailgrid_id in JSON); the routes run on the listener's thread
        Object mailId = exchange.getMessage().getHeader(MailProperty.MAIL_ID);
        if (mailId != null) {
            MDC.put(MailProperty.MAIL_ID, mailId.toString());
        }
        long size = exchange.getMessage().getHeader(MailProperty.SIZE, 0L, Long.class);
        long need = Math.max(1, size) * COPIES;
        MemoryBudget.Reservation reservation = budget.tryReserve(Math.min(need, budget.totalBytes())).orElse(null);
        if (reservation == null) {
            LOG.debug("Mail {} ({} bytes) waits for memory", exchange.getMessage().getHeader(MailProperty.MAIL_ID), size);
            reservation = budget.reserve(need);
        }
        MemoryBudget.Reservation held = reservation;
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                held.close();
                MDC.remove(MailProperty.MAIL_ID);
            }
        });
    }
}
