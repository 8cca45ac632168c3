package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;

/**
 * Log and terminal injection through a real node and a real quarantine: a client whose HELO name
 * carries terminal escape sequences sends a mail whose attachment name (RFC 2231-encoded)
 * holds a line feed with a forged log line behind it, ESC and BEL. The node's log must keep one
 * event per line, and what {@code mailgrid quarantine list/show} print on the operator's terminal
 * must carry no control character but the line ends the command writes itself.
 */
class ControlCharactersIT {

    /** What the forged log line says; it must never start a line of the log. */
    private static final String FORGED = "12:00:00.000 INFO  [main] i.m.n.Publishing - Mail 0000 delivered";

    @TempDir
    Path dir;

    @Test
    void controlCharactersFromTheNetworkShouldReachNeitherTheLogNorTheOperatorsTerminalRaw() throws Exception {
        int brokerPort = TestHome.freePort();
        int smtpPort = TestHome.freePort();
        String broker = "tcp://127.0.0.1:" + brokerPort;
        try (MailgridProcess node = MailgridProcess.start("a", dir, List.of("mailgrid.broker.port=" + brokerPort,
                "mailgrid.smtp.port=" + smtpPort), "run", "--node", "a", "--data", dir.resolve("a").toString())) {
            String encodedName = "report%0A" + FORGED.replace(" ", "%20").replace(":", "%3A").replace("[", "%5B")
                    .replace("]", "%5D") + "%1B%5D0%3Bowned%07%1B%5B2J.exe";
            byte[] mail = MimeMail.to("bob@example.com").subject("terminal games").text("see attached")
                    .rawPart("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''"
                            + encodedName + "\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n")
                    .bytes();
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                assertThat(smtp.send("EHLO evil\u001b]0;owned\u0007.example")).startsWith("250");
                assertThat(smtp.send("MAIL FROM:<alice\u001b[31m@example.com>")).as("ingress refuses such addresses")
                        .startsWith("553");
                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(mail)).startsWith("250");
            }
            node.awaitLog("quarantined: BLOCKED_ATTACHMENT", Duration.ofSeconds(30));

            String log = new String(node.logBytes(), StandardCharsets.UTF_8);
            assertThat(log.lines()).as("no forged line in the log").noneMatch(line -> line.startsWith(FORGED));
            assertNoControlCharacters("the node's log", node.logBytes());
            assertThat(log).contains("report\\n" + FORGED + "\\u001b]0;owned\\u0007\\u001b[2J.exe");

            MailgridProcess.CommandResult list = MailgridProcess.command(Duration.ofSeconds(60), "quarantine", "list",
                    "--broker", broker);
            assertThat(list.exitCode()).as(list.out()).isZero();
            assertNoControlCharacters("quarantine list", list.stdout());
            assertThat(list.out().lines()).as("a header, one mail, a total").hasSize(3);
            String id = list.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];

            MailgridProcess.CommandResult show = MailgridProcess.command(Duration.ofSeconds(60), "quarantine", "show",
                    "--broker", broker, id);
            assertThat(show.exitCode()).as(show.out()).isZero();
            assertNoControlCharacters("quarantine show", show.stdout());
            List<String> properties = show.out().lines().takeWhile(line -> !line.isEmpty()).toList();
            assertThat(properties).as("one line per property").allMatch(line -> line.startsWith("mailgrid_"));
            assertThat(show.out()).contains("mailgrid_helo: evil\\u001b]0;owned\\u0007.example")
                    .contains("mailgrid_reason: attachment-policy: 'report\\n" + FORGED);

            MailgridProcess.CommandResult json = MailgridProcess.command(Duration.ofSeconds(60), "quarantine", "list",
                    "--json", "--broker", broker);
            assertNoControlCharacters("quarantine list --json", json.stdout());
        }
    }

    /** Nothing below U+0020 but the line feed and tab the command writes, no DEL, no C1 control (UTF-8 C2 80-9F). */
    private static void assertNoControlCharacters(String what, byte[] output) {
        for (int i = 0; i < output.length; i++) {
            int b = output[i] & 0xFF;
            boolean c1 = b == 0xC2 && i + 1 < output.length && (output[i + 1] & 0xFF) >= 0x80 && (output[i + 1] & 0xFF) <= 0x9F;
            if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F || c1) {
                int from = Math.max(0, i - 60);
                throw new AssertionError(what + " has the control character 0x" + Integer.toHexString(b) + " at byte " + i
                        + ": ..." + new String(Arrays.copyOfRange(output, from, Math.min(output.length, i + 20)),
                                StandardCharsets.UTF_8));
            }
        }
    }
}
