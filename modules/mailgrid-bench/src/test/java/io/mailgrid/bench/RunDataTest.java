package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDataTest {

    @TempDir
    Path dir;

    @Test
    void aMeasuredRunShouldLeaveOnlyItsLogsBehind() throws Exception {
        Path run = Files.createDirectories(dir.resolve("02-pipeline"));
        Files.writeString(Files.createDirectories(run.resolve("logs")).resolve("n1.log"), "ready");
        Files.write(Files.createDirectories(run.resolve("broker/journal")).resolve("activemq-data-1.amq"), new byte[4096]);
        Files.writeString(Files.createDirectories(run.resolve("nodes/n1/outbox/new")).resolve("1.mail"), "Subject: x\r\n\r\n");

        Bench.deleteAllButLogs(run);

        assertThat(run.resolve("logs/n1.log")).hasContent("ready");
        try (var left = Files.list(run)) {
            assertThat(left).containsExactly(run.resolve("logs"));
        }
    }
}
