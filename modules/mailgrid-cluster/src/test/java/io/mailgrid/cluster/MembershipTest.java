package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The membership state machine, driven by explicit instants: no sleeps. */
class MembershipTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private final Membership membership = new Membership("a", Duration.ofSeconds(1), Duration.ofSeconds(3));

    static Heartbeat beat(String node, NodeState state, long sequence) {
        return new Heartbeat(node, "worker", state, null, sequence, 1000, T0.toEpochMilli(), 0, 4, 0,
                Map.of("pass-all", true), "hash", "maildir:/x");
    }

    @Test
    void aPeerShouldGoFromUpToSuspectToDownAsItsHeartbeatsStop() {
        assertThat(membership.heard(beat("b", NodeState.UP, 1), T0))
                .contains(new Membership.Change("b", null, PeerState.UP));

        assertThat(membership.evaluate(T0.plusMillis(2000))).isEmpty();
        assertThat(membership.evaluate(T0.plusMillis(2001)))
                .containsExactly(new Membership.Change("b", PeerState.UP, PeerState.SUSPECT));
        assertThat(membership.evaluate(T0.plusMillis(2999))).isEmpty();
        assertThat(membership.evaluate(T0.plusMillis(3000)))
                .containsExactly(new Membership.Change("b", PeerState.SUSPECT, PeerState.DOWN));
    }

    @Test
    void aHeartbeatShouldBringASuspectOrDownPeerBackUp() {
        membership.heard(beat("b", NodeState.UP, 1), T0);
        membership.evaluate(T0.plusSeconds(5));

        assertThat(membership.heard(beat("b", NodeState.UP, 2), T0.plusSeconds(6)))
                .contains(new Membership.Change("b", PeerState.DOWN, PeerState.UP));
    }

    @Test
    void leavingAndMaintenanceShouldBeBelievedAtOnce() {
        membership.heard(beat("b", NodeState.UP, 1), T0);
        membership.heard(beat("c", NodeState.UP, 1), T0);

        assertThat(membership.heard(beat("b", NodeState.LEAVING, 2), T0.plusMillis(10)))
                .contains(new Membership.Change("b", PeerState.UP, PeerState.LEAVING));
        assertThat(membership.heard(beat("c", NodeState.MAINTENANCE, 2), T0.plusMillis(10)))
                .contains(new Membership.Change("c", PeerState.UP, PeerState.MAINTENANCE));
        assertThat(membership.evaluate(T0.plusSeconds(10))).extracting(Membership.Change::to)
                .containsExactly(PeerState.DOWN); // maintenance without heartbeats is DOWN; leaving stays leaving
    }

    @Test
    void aLeavingPeerShouldShowAsDownOnlyOnceItStayedSilentForTheTimeout() {
        membership.heard(beat("b", NodeState.LEAVING, 1), T0);
        Membership.Peer b = membership.peer("b").orElseThrow();

        assertThat(b.shown(T0.plusMillis(2999), Duration.ofSeconds(3))).isEqualTo(PeerState.LEAVING);
        assertThat(b.shown(T0.plusMillis(3000), Duration.ofSeconds(3))).isEqualTo(PeerState.DOWN);
        assertThat(b.state()).as("what its heartbeats said is kept").isEqualTo(PeerState.LEAVING);
    }

    @Test
    void anOlderHeartbeatOfTheSameRunShouldNotOverrideANewerOne() {
        membership.heard(beat("b", NodeState.MAINTENANCE, 5), T0);
        membership.heard(beat("b", NodeState.UP, 4), T0.plusMillis(1));

        assertThat(membership.peer("b").orElseThrow().state()).isEqualTo(PeerState.MAINTENANCE);
    }

    @Test
    void aRestartedPeerShouldBeBelievedEvenWithALowerSequence() {
        membership.heard(beat("b", NodeState.UP, 500), T0);
        Heartbeat restarted = new Heartbeat("b", "worker", NodeState.STARTING, null, 1, 9999, T0.toEpochMilli(), 0, 4,
                0, Map.of(), "hash", null);

        assertThat(membership.heard(restarted, T0.plusMillis(5))).map(Membership.Change::to).contains(PeerState.STARTING);
    }

    @Test
    void aStatusLearnedAtStartUpShouldCountAsDownOnlyOnceTheTimeoutPassesWithoutAHeartbeat() {
        // by the peers' own clocks one is five minutes old and one half a second: neither clock is trusted
        assertThat(membership.learned(beat("b", NodeState.UP, 7), Duration.ofMinutes(5), T0))
                .map(Membership.Change::to).contains(PeerState.UP);
        assertThat(membership.learned(beat("c", NodeState.UP, 7), Duration.ofMillis(500), T0))
                .map(Membership.Change::to).contains(PeerState.UP);
        membership.heard(beat("c", NodeState.UP, 8), T0.plusMillis(1500));

        assertThat(membership.evaluate(T0.plusMillis(2999))).extracting(Membership.Change::to).containsExactly(PeerState.SUSPECT);
        assertThat(membership.evaluate(T0.plusSeconds(3)))
                .containsExactly(new Membership.Change("b", PeerState.SUSPECT, PeerState.DOWN));
        assertThat(membership.peer("b").orElseThrow().silence(T0.plusSeconds(3))).isEqualTo(Duration.ofMinutes(5).plusSeconds(3));
        assertThat(membership.peer("b").orElseThrow().heard()).isFalse();
        assertThat(membership.peer("c").orElseThrow().heard()).isTrue();
    }

    @Test
    void aStatusReadAfterAHeartbeatOfThePeerShouldNotMoveItBack() {
        // the agent listens before it reads the status queue: the read may bring an older status, or one of a previous run
        membership.heard(beat("b", NodeState.MAINTENANCE, 9), T0.plusMillis(100));
        Heartbeat previousRun = new Heartbeat("b", "worker", NodeState.LEAVING, null, 300, 1, T0.toEpochMilli(), 0, 4, 0,
                Map.of(), "hash", null);

        assertThat(membership.learned(beat("b", NodeState.UP, 8), Duration.ofMillis(50), T0)).isEmpty();
        assertThat(membership.learned(previousRun, Duration.ofMinutes(1), T0)).isEmpty();
        Membership.Peer b = membership.peer("b").orElseThrow();
        assertThat(b.state()).isEqualTo(PeerState.MAINTENANCE);
        assertThat(b.last().sequence()).isEqualTo(9);
        assertThat(b.heard()).isTrue();
        assertThat(b.lastSeen()).isEqualTo(T0.plusMillis(100));
    }

    @Test
    void aPeerWhoseClockIsAheadOrBehindShouldBeJudgedByWhenItsHeartbeatsArrive() {
        Heartbeat behind = new Heartbeat("b", "worker", NodeState.UP, null, 1, 1000, T0.minusSeconds(5).toEpochMilli(),
                0, 4, 0, Map.of(), "hash", null);
        Heartbeat ahead = new Heartbeat("c", "worker", NodeState.UP, null, 1, 1000, T0.plusSeconds(5).toEpochMilli(),
                0, 4, 0, Map.of(), "hash", null);
        membership.heard(behind, T0);
        membership.heard(ahead, T0);

        assertThat(membership.evaluate(T0.plusMillis(2000))).isEmpty();
        assertThat(membership.evaluate(T0.plusSeconds(3))).extracting(Membership.Change::to)
                .containsExactly(PeerState.DOWN, PeerState.DOWN);
    }

    @Test
    void onlyAPeerSilentForTheForgetTimeShouldBeForgettableAndAForgottenPeerComesBackWithItsNextHeartbeat() {
        Duration forgetAfter = Duration.ofMinutes(60);
        membership.heard(beat("b", NodeState.UP, 1), T0);
        membership.heard(beat("c", NodeState.LEAVING, 1), T0);
        membership.heard(beat("d", NodeState.MAINTENANCE, 1), T0);
        membership.learned(beat("e", NodeState.UP, 1), Duration.ofHours(2), T0);
        membership.heard(beat("f", NodeState.UP, 1), T0);
        membership.evaluate(T0.plusSeconds(5));
        membership.heard(beat("f", NodeState.UP, 2), T0.plus(Duration.ofMinutes(59)));

        assertThat(membership.forgettable(T0.plusSeconds(5), forgetAfter)).as("e: 2 h by its own clock").containsExactly("e");
        assertThat(membership.forgettable(T0.plus(Duration.ofMinutes(59)), forgetAfter)).containsExactly("e");
        assertThat(membership.forgettable(T0.plus(Duration.ofMinutes(60)), forgetAfter)).containsExactly("b", "c", "d", "e");
        assertThat(membership.forgettable(T0.plus(Duration.ofMinutes(60)), Duration.ZERO)).as("0 = never").isEmpty();

        assertThat(membership.forget("b")).isTrue();
        assertThat(membership.peer("b")).isEmpty();
        assertThat(membership.heard(beat("b", NodeState.UP, 2), T0.plus(Duration.ofMinutes(61))))
                .contains(new Membership.Change("b", null, PeerState.UP));
    }

    @Test
    void ownHeartbeatsShouldBeIgnored() {
        assertThat(membership.heard(beat("a", NodeState.UP, 1), T0)).isEmpty();
        assertThat(membership.peers()).isEmpty();
    }

    @Test
    void aTimeoutNotLongerThanTheIntervalShouldBeRefused() {
        assertThatThrownBy(() -> new Membership("a", Duration.ofSeconds(3), Duration.ofSeconds(3)))
                .hasMessageContaining("must be longer than the interval");
    }

    @Test
    void heartbeatsShouldSurviveTheTripThroughJson() {
        Heartbeat beat = beat("b", NodeState.MAINTENANCE, 3);

        assertThat(Heartbeat.fromJson(beat.toJson())).isEqualTo(beat);
        assertThatThrownBy(() -> Heartbeat.fromJson("{nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
