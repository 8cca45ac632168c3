package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.mailgrid.cluster.PeerState;

class MaintenanceProgressTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static MaintenanceProgress.Look look(PeerState state, int reserved, long mailbox) {
        return new MaintenanceProgress.Look(state, null, reserved, mailbox);
    }

    @Test
    void aScriptShouldGetALineOnlyWhenTheNodesStateOrItsReservedMailsChange() {
        MaintenanceProgress progress = new MaintenanceProgress("a", LIMIT, false);

        assertThat(progress.next(look(PeerState.UP, 3, 40), Duration.ZERO))
                .hasValue("waited 0 s of 60 s: a UP, 3 mail(s) reserved, 40 in mailgrid.mailbox.a");
        assertThat(progress.next(look(PeerState.UP, 3, 40), Duration.ofSeconds(1))).isEmpty();
        // the node got the request: it says so while it finishes its mails (MAINTENANCE comes once they are done)
        assertThat(progress.next(new MaintenanceProgress.Look(PeerState.UP, "entering maintenance: finishing in-flight mails",
                3, 40), Duration.ofSeconds(2))).hasValue("waited 2 s of 60 s: a UP (entering maintenance: finishing in-flight"
                        + " mails), 3 mail(s) reserved, 40 in mailgrid.mailbox.a");
        assertThat(progress.next(new MaintenanceProgress.Look(PeerState.UP, "entering maintenance: finishing in-flight mails",
                3, 25), Duration.ofSeconds(3))).as("the mailbox alone changed: one line a heartbeat would flood a log").isEmpty();
        assertThat(progress.next(new MaintenanceProgress.Look(PeerState.UP, "entering maintenance: finishing in-flight mails",
                3, 25), Duration.ofSeconds(30))).as("no clock lines").isEmpty();
        assertThat(progress.next(new MaintenanceProgress.Look(PeerState.UP, "entering maintenance: finishing in-flight mails",
                1, 10), Duration.ofSeconds(31))).hasValue("waited 31 s of 60 s: a UP (entering maintenance: finishing in-flight"
                        + " mails), 1 mail(s) reserved, 10 in mailgrid.mailbox.a");
        assertThat(progress.next(look(PeerState.MAINTENANCE, 0, 10), Duration.ofSeconds(32)))
                .hasValue("waited 32 s of 60 s: a MAINTENANCE, 0 mail(s) reserved, 10 in mailgrid.mailbox.a");
    }

    @Test
    void aTerminalShouldAlsoSeeTheMailboxAndTheTimeMove() {
        MaintenanceProgress progress = new MaintenanceProgress("a", LIMIT, true);

        assertThat(progress.next(look(PeerState.MAINTENANCE, 2, 40), Duration.ZERO)).isPresent();
        assertThat(progress.next(look(PeerState.MAINTENANCE, 2, 40), Duration.ofSeconds(4))).isEmpty();
        assertThat(progress.next(look(PeerState.MAINTENANCE, 2, 40), Duration.ofSeconds(5)))
                .hasValue("waited 5 s of 60 s: a MAINTENANCE, 2 mail(s) reserved, 40 in mailgrid.mailbox.a");
        assertThat(progress.next(look(PeerState.MAINTENANCE, 2, 39), Duration.ofSeconds(6)))
                .hasValue("waited 6 s of 60 s: a MAINTENANCE, 2 mail(s) reserved, 39 in mailgrid.mailbox.a");
    }

    @Test
    void aNodeNotHeardOfOrAMailboxNotReadableShouldBeSaidPlainlyAndAReasonNeverMoveTheCursor() {
        MaintenanceProgress progress = new MaintenanceProgress("a", LIMIT, false);

        assertThat(progress.next(look(null, 0, 5), Duration.ZERO)).hasValue("waited 0 s of 60 s: no heartbeat of a yet");
        assertThat(progress.next(look(PeerState.UP, 0, -1), Duration.ofSeconds(1)))
                .hasValue("waited 1 s of 60 s: a UP, 0 mail(s) reserved");
        assertThat(progress.next(new MaintenanceProgress.Look(PeerState.UP, "x\u001b[2Jy", 0, -1), Duration.ofSeconds(2)))
                .get().asString().doesNotContain("\u001b");
    }
}
