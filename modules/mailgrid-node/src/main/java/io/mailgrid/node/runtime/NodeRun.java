package io.mailgrid.node.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;

/**
 * A node run from its start until it is told to stop, whenever the stop comes: before, during or
 * after the start. {@link #run()} is the starting thread's: it starts the node, waits, and closes it.
 * {@link #stop()} is the SIGTERM hook's, registered before the start: a stop during the start is
 * seen at the start's next step, which then stops what had started
 * ({@link MailgridNode.Builder#abandonWhen}). The hook only signals and waits, so the node is never
 * closed by two threads at once, nor while it is half built.
 */
public final class NodeRun {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRun.class);

    /** What the hook allows beyond the grace period, for the stop's other steps (Camel Main allows 15 s too). */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(15);

    private final MailgridNode.Builder builder;
    private final String name;
    private final Duration stopWithin;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean started;

    /** A run of the node these settings describe; its stop waits at most the grace period and a margin. */
    public NodeRun(MailgridConfig config) {
        this.builder = MailgridNode.builder(config).abandonWhen(() -> stopRequested.getCount() == 0);
        this.name = NodeSettings.from(config).name();
        this.stopWithin = config.duration(NodeSettingsCatalog.SHUTDOWN_GRACE).plus(STOP_MARGIN);
    }

    /**
     * Starts the node unless told to stop already, runs it until {@link #stop()}, then stops it.
     *
     * @throws Exception if the start failed, and not because the node was told to stop
     */
    public void run() throws Exception {
        try {
            MailgridNode node;
            try {
                node = builder.start();
            } catch (Exception e) {
                if (stopRequested.getCount() == 0) {
                    // the stop's doing: the start gave up at a step, or a step failed because the JVM
                    // was shutting down (a library's own shutdown hook refused); Builder.start stopped
                    // what had started either way
                    LOG.info("Mailgrid node {}: {}", name, e instanceof StartAbandonedException ? e.getMessage()
                            : "the start was given up, it was told to stop (a step failed meanwhile: " + e + ")");
                    return;
                }
                throw e;
            }
            started = true;
            awaitUninterruptibly(stopRequested);
            node.close();
        } finally {
            ended.countDown();
        }
    }

    /** Tells the node to stop and waits until it has, at most its grace period and a margin. */
    public void stop() {
        if (ended.getCount() == 0) {
            return; // the start failed, and the JVM exits for that: nothing runs
        }
        if (!started) {
            LOG.info("Mailgrid node {} told to stop while it starts: the start ends at its next step, then what"
                    + " has started stops", name);
        }
        stopRequested.countDown();
        try {
            if (!ended.await(stopWithin.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("Mailgrid node {} did not stop within {}: exiting all the same; the broker keeps every mail"
                        + " not yet committed and hands it out again", name, stopWithin);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
