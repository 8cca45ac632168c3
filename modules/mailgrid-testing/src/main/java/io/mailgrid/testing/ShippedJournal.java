package io.mailgrid.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The journal the launchers' embedded broker runs on this machine (docs/adr/0040): AIO on x86-64
 * Linux with libaio, unless the data directory's file system refuses direct I/O; and the check that
 * a broker's start-up log says so, for tests that start brokers as the launchers do.
 */
public final class ShippedJournal {

    /** The name Artemis's binding asks for, where Debian and Ubuntu put it. */
    private static final List<Path> LIBAIO = List.of(Path.of("/lib/x86_64-linux-gnu/libaio.so.1"),
            Path.of("/usr/lib/x86_64-linux-gnu/libaio.so.1"));

    private ShippedJournal() {
    }

    /** Whether the AIO journal can run here: x86-64 (the only native library Artemis ships) with libaio. */
    public static boolean aioCanRunHere() {
        return "amd64".equals(System.getProperty("os.arch")) && LIBAIO.stream().anyMatch(Files::exists);
    }

    /**
     * Asserts that a broker's log since its start names the journal the launchers run here: ASYNCIO
     * where AIO can run, NIO with its reason where the file system refuses direct I/O.
     */
    public static void assertStartedAsShipped(String brokerLog) {
        if (aioCanRunHere() && !brokerLog.contains("AIO cannot run here: the file system")) {
            assertThat(brokerLog).as("the embedded broker's journal as the launchers start it (docs/adr/0040)")
                    .contains("journal (ASYNCIO)");
        }
    }
}
