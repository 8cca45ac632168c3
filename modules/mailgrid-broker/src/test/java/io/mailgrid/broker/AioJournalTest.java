package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.TestHome;

/**
 * broker.xml asks for the AIO journal: the embedded broker uses it wherever libaio and Artemis's
 * native library load (this module's tests name the library's directory, as the launchers do), and
 * otherwise says once, in its own words, why it runs on NIO.
 */
class AioJournalTest {

    private static final Path LIBAIO = Path.of("/lib/x86_64-linux-gnu/libaio.so.1");

    @TempDir
    Path dir;

    @Test
    void theEmbeddedBrokerShouldKeepItsJournalOnAioWhereLibaioIsInstalled() {
        // x86-64 Linux with libaio1 loads the library (CI installs libaio1); a disk without O_DIRECT is skipped
        Assumptions.assumeTrue(Files.exists(LIBAIO) && "amd64".equals(System.getProperty("os.arch")),
                "needs x86-64 Linux with " + LIBAIO + " (apt-get install libaio1); test skipped");
        assertThat(AioJournal.libraryLoaded()).as("Artemis's native library loaded from java.library.path=%s",
                System.getProperty("java.library.path")).isTrue();
        Assumptions.assumeTrue(AioJournal.unavailable(dir.resolve("probe")).isEmpty(),
                () -> "AIO cannot run on " + dir + ": " + AioJournal.unavailable(dir.resolve("probe")).orElseThrow() + "; test skipped");
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());

        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"))) {
            assertThat(broker.server().getConfiguration().getJournalType()).isEqualTo(JournalType.ASYNCIO);
        }
    }

    @Test
    void whereAioCannotRunTheBrokerShouldRunOnNioAndSayWhyOnce() {
        Configuration brokerConfig = new ConfigurationImpl().setJournalType(JournalType.ASYNCIO)
                .setJournalDirectory(dir.resolve("journal").toString());

        try (LogCapture log = LogCapture.of(EmbeddedBroker.class.getName())) {
            EmbeddedBroker.chooseJournal(brokerConfig, journal -> Optional.of("the file system of " + journal + " has no O_DIRECT"));

            assertThat(brokerConfig.getJournalType()).isEqualTo(JournalType.NIO);
            assertThat(log.mentioning("Journal on NIO, AIO cannot run here: the file system of ")).hasSize(1);
        }
    }

    @Test
    void whereAioCanRunTheJournalShouldBeWhatBrokerXmlSaysWithoutALine() {
        for (JournalType configured : List.of(JournalType.ASYNCIO, JournalType.NIO)) {
            Configuration brokerConfig = new ConfigurationImpl().setJournalType(configured);

            try (LogCapture log = LogCapture.of(EmbeddedBroker.class.getName())) {
                EmbeddedBroker.chooseJournal(brokerConfig, journal -> Optional.empty());

                assertThat(brokerConfig.getJournalType()).isEqualTo(configured);
                assertThat(log.lines()).isEmpty();
            }
        }
    }

    @Test
    void aBrokerXmlThatChoseMappedFilesShouldKeepThem() {
        Configuration brokerConfig = new ConfigurationImpl().setJournalType(JournalType.MAPPED);

        EmbeddedBroker.chooseJournal(brokerConfig, journal -> Optional.of("no libaio"));

        assertThat(brokerConfig.getJournalType()).isEqualTo(JournalType.MAPPED);
    }
}
