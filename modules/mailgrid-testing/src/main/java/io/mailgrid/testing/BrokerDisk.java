package io.mailgrid.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;

/**
 * Fills and empties a running embedded broker's disk, as far as the broker can tell: its free-space
 * floor is moved and its disk check is run at once instead of at its next scan (every 5 s). The same
 * code path as real bytes coming and going, without writing gigabytes and without depending on how
 * full this machine's disk is.
 */
public final class BrokerDisk {

    /** More than any disk has free: the broker counts its disk as full. */
    private static final long FULL = Long.MAX_VALUE / 4;
    private static final long ROOMY = 1 << 20;

    private BrokerDisk() {
    }

    /** The broker holds producers back from now on (it logs {@code AMQ222212: Disk Full!}). */
    public static void fill(ActiveMQServer server) {
        floor(server, FULL, true);
    }

    /** The broker has room again and lets producers go on (it logs {@code AMQ224129}). */
    public static void empty(ActiveMQServer server) {
        floor(server, ROOMY, false);
    }

    private static void floor(ActiveMQServer server, long bytes, boolean full) {
        FileStoreMonitor monitor = ((ActiveMQServerImpl) server).getMonitor();
        monitor.setMinDiskFree(bytes);
        monitor.tick();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.getPagingManager().isDiskFull() == full);
    }
}
