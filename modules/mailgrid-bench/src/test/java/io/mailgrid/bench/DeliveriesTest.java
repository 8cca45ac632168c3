package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveriesTest {

    @TempDir
    Path maildir;

    private void deliver(String mailId) throws IOException {
        Files.createDirectories(maildir.resolve("new"));
        Files.writeString(maildir.resolve("new").resolve("1764640000." + mailId + ".n1"), "mail");
    }

    @Test
    void markAllReadShouldMoveDeliveredFilesToCurWithoutForgettingThem() throws IOException {
        Deliveries warm = new Deliveries(List.of(maildir));
        deliver("w1");
        deliver("w2");
        assertThat(warm.poll()).isEqualTo(2);

        warm.markAllRead();

        assertThat(maildir.resolve("new")).isEmptyDirectory();
        assertThat(maildir.resolve("cur").resolve("1764640000.w1.n1:2,")).exists();
        assertThat(warm.poll()).isEqualTo(2);
        assertThat(warm.files()).isEqualTo(2);
    }

    @Test
    void theMeasuredWindowShouldCountOnlyMailDeliveredAfterTheWarmup() throws IOException {
        Deliveries warm = new Deliveries(List.of(maildir));
        deliver("w1");
        warm.poll();
        warm.markAllRead();
        Deliveries measured = new Deliveries(List.of(maildir), Set.of("w1"));

        deliver("m1");

        assertThat(measured.poll()).isEqualTo(1);
        assertThat(measured.deliveredAt("m1")).isNotNull();
        assertThat(measured.files()).isEqualTo(1);
    }
}
