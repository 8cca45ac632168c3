package io.mailgrid.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.nativo.jlibaio.LibaioContext;

/**
 * Whether Artemis's AIO journal (libaio through Artemis's native library) can run in this JVM on a
 * given directory, and if not, why.
 *
 * <p>Artemis looks for its native library only on {@code java.library.path}, which the JVM reads once
 * at start: the copy inside the {@code activemq-artemis-native} jar on the class path is never used.
 * The launchers unpack it and name its directory (README "Dependencies and why", docs/adr/0040).
 */
final class AioJournal {

    /** The system property that names the directory of Artemis's native library. */
    static final String LIBRARY_PATH = "java.library.path";

    private AioJournal() {
    }

    /** Whether Artemis's native library and libaio loaded in this JVM. */
    static boolean libraryLoaded() {
        return LibaioContext.isLoaded();
    }

    /**
     * Why the AIO journal cannot run on {@code journalDir}, or empty if it can.
     *
     * @param journalDir the journal's directory (created if needed: the O_DIRECT probe writes a file there)
     */
    static Optional<String> unavailable(Path journalDir) {
        if (!libraryLoaded()) {
            return Optional.of("Artemis's native library (libartemis-native-64.so, x86-64 Linux only) did not load from "
                    + LIBRARY_PATH + "=" + System.getProperty(LIBRARY_PATH)
                    + ", or libaio.so.1 is missing (Debian 12: apt-get install libaio1; Debian 13, Ubuntu 24.04: libaio1t64,"
                    + " with a libaio.so.1 link to its libaio.so.1t64); start Mailgrid with its launcher,"
                    + " which names the library's directory");
        }
        try {
            Files.createDirectories(journalDir);
        } catch (IOException e) {
            return Optional.of("cannot create " + journalDir + ": " + e.getMessage());
        }
        if (!AIOSequentialFileFactory.isSupported(journalDir.toFile())) {
            return Optional.of("the file system of " + journalDir + " does not support direct I/O (O_DIRECT; tmpfs before Linux 6.6 does not)");
        }
        return Optional.empty();
    }
}
