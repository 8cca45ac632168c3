package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The twin of {@link CommandsOnAFullBrokerDiskTest}: an operator runs the commands that send while the
 * broker is stopped. Each must exit 1 soon, saying the broker cannot be reached (not that its disk is
 * full, which would send the operator to free space on a broker that is simply down).
 */
class CommandsOnAStoppedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void commandsThatSendShouldExit1SayingTheBrokerCannotBeReached() throws Exception {
        int port = TestHome.freePort();
        MailgridConfig config = TestHome.config("a", dir, port, Map.of());
        EmbeddedBroker.start(config, dir.resolve("broker")).close(); // it ran once, and is stopped now
        Path eml = Files.write(dir.resolve("alert.eml"), TestMail.to("ops@example.com").bytes());
        String url = BrokerConnection.url(config);
        String timeout = "-D" + CoreSettingsCatalog.BROKER_SEND_TIMEOUT + "=2s";

        for (String[] command : List.of(
                new String[] {"submit", "--node", "a", "--broker", url, timeout, eml.toString()},
                new String[] {"maintenance", "a", "on", "--wait", "0", "--broker", url, timeout},
                new String[] {"quarantine", "release", "--broker", url, timeout, "20260101T000000Z-a-1"},
                new String[] {"forget", "b", "--broker", url, timeout})) {
            long start = System.nanoTime();
            TestNode.Run run = Bounded.call("operator", Duration.ofSeconds(30), () -> TestNode.run(command));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%s on a stopped broker: exit %d after %d ms: %s%n", command[0] + " " + command[1], run.exit(),
                    millis, run.err().strip());
            assertThat(run.exit()).as(String.join(" ", command)).isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(run.err()).as("the cause, named").containsPattern("cannot (be )?reach").doesNotContain("disk is full")
                    .doesNotContain("\tat ");
            assertThat(millis).as("soon").isLessThan(15_000);
        }
    }
}
