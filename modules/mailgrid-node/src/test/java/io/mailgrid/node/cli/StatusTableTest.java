package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailgrid.cluster.StatusReport;
import io.mailgrid.cluster.StatusReport.QueueDepth;
import io.mailgrid.core.Queues;

/** The tables {@code mailgrid status} prints, from a report made up in the test (no broker). */
class StatusTableTest {

    @Test
    void queueNumbersShouldStayInTheirColumnsWhenABrokerStatusQueueNameIsLongerThanTheColumn() {
        String statusQueue = Queues.statusQueue("5d0b0f4e-3a4e-11ef-9b1c-0242ac120002");
        StatusReport report = new StatusReport(List.of(), List.of(new QueueDepth(Queues.mailbox("a"), 12, 3, 2),
                new QueueDepth(statusQueue, 4, 0, 0)), List.of());

        List<String> lines = printed(report).lines().toList();
        String header = lines.stream().filter(l -> l.startsWith("QUEUE")).findFirst().orElseThrow();
        String mailbox = lines.stream().filter(l -> l.startsWith(Queues.mailbox("a"))).findFirst().orElseThrow();
        String status = lines.stream().filter(l -> l.startsWith(statusQueue)).findFirst().orElseThrow();

        int waitingEnds = header.indexOf("WAITING") + "WAITING".length();
        assertThat(mailbox.length()).isEqualTo(header.length());
        assertThat(status.length()).isEqualTo(header.length());
        assertThat(mailbox.substring(0, waitingEnds)).endsWith(" 12");
        assertThat(status.substring(0, waitingEnds)).endsWith(" 4");
        assertThat(status).startsWith(statusQueue + " ");
    }

    private static String printed(StatusReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "tcp://127.0.0.1:61616", report);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
