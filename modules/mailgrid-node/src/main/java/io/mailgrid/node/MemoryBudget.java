package io.mailgrid.node;

import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;

/**
 * Bounds how much mail the node's grabbers and deliveries hold in memory at once; bound as
 * {@code memoryBudget}, the first step of the grabber and delivery routes, before anything reads
 * a mail's body.
 *
 * <p>A mail of {@code size} bytes reserves {@code size × copies} bytes of the budget (the JMS
 * client's buffer, the body, the outgoing message) until its exchange completes; a mail larger
 * than the whole budget reserves all of it and runs alone. Small mails pass at once; a burst of
 * 25 MB mails is processed a few at a time instead of running the heap out. The wait is fair, so
 * a large mail is not starved by small ones.
 */
public final class MemoryBudget implements Processor {

    /** Copies of a mail's bytes the node may hold while it processes or delivers it. */
    static final int COPIES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    private static final int KIB = 1024;

    private final Semaphore kibibytes;
    private final int totalKib;

    /** @param budgetBytes bytes of mail the node may hold at once */
    public MemoryBudget(long budgetBytes) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / KIB));
        this.kibibytes = new Semaphore(totalKib, true);
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        long size = exchange.getMessage().getHeader(MailProperty.SIZE, 0L, Long.class);
        int need = (int) Math.max(1, Math.min(totalKib, size * COPIES / KIB));
        if (!kibibytes.tryAcquire(need)) {
            LOG.debug("Mail {} ({} bytes) waits for memory", exchange.getMessage().getHeader(MailProperty.MAIL_ID), size);
            kibibytes.acquire(need);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                kibibytes.release(need);
            }
        });
    }

    /** Bytes of the budget not reserved right now. */
    long availableBytes() {
        return (long) kibibytes.availablePermits() * KIB;
    }
}
