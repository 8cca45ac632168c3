package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TakeoverPlanTest {

    private static final TakeoverPlan.Self WORKER = new TakeoverPlan.Self("a", true, NodeState.UP, true, "h1", true, true);

    private static Membership.Peer peer(String node, PeerState state, String role, String hash) {
        Heartbeat beat = new Heartbeat(node, role, NodeState.UP, null, 1, 1, 1, 0, 4, 0, Map.of(), hash, null);
        return new Membership.Peer(beat, Instant.EPOCH, state);
    }

    @Test
    void aWorkerShouldGrabItsOwnMailboxFirstAndHelpEveryPeerAtLowPriority() {
        TakeoverPlan plan = TakeoverPlan.of(WORKER, List.of(peer("b", PeerState.UP, "worker", "h1"),
                peer("c", PeerState.SUSPECT, "worker", "h1")));

        assertThat(plan.grab()).isEqualTo(Map.of("a", 10, "b", 1, "c", 1));
        assertThat(plan.deliver()).isEmpty();
    }

    @Test
    void aDownOrLeavingPeerShouldHaveItsOutboundDeliveredButAMaintenancePeerNot() {
        TakeoverPlan plan = TakeoverPlan.of(WORKER, List.of(peer("b", PeerState.DOWN, "worker", "h1"),
                peer("c", PeerState.LEAVING, "worker", "h1"), peer("d", PeerState.MAINTENANCE, "worker", "h1")));

        assertThat(plan.grab()).containsKeys("b", "c", "d");
        assertThat(plan.deliver()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void aNodeInMaintenanceOrWithoutItsChecksShouldGrabNothingButStillDeliver() {
        for (TakeoverPlan.Self self : List.of(
                new TakeoverPlan.Self("a", true, NodeState.MAINTENANCE, true, "h1", true, true),
                new TakeoverPlan.Self("a", true, NodeState.UP, false, "h1", true, true),
                new TakeoverPlan.Self("a", true, NodeState.STARTING, true, "h1", true, true))) {
            TakeoverPlan plan = TakeoverPlan.of(self, List.of(peer("b", PeerState.DOWN, "worker", "h1")));

            assertThat(plan.grab()).as(self.toString()).isEmpty();
            assertThat(plan.deliver()).containsExactly("b");
        }
    }

    @Test
    void aHostOnlyNodeShouldGrabNothingWhileWorkersProcessItsMailbox() {
        TakeoverPlan.Self host = new TakeoverPlan.Self("h", false, NodeState.UP, true, "h1", true, true);
        assertThat(TakeoverPlan.of(host, List.of(peer("a", PeerState.UP, "worker", "h1"))).grab()).isEmpty();

        TakeoverPlan.Self noHelp = new TakeoverPlan.Self("a", true, NodeState.UP, true, "h1", false, true);
        assertThat(TakeoverPlan.of(noHelp, List.of(peer("h", PeerState.UP, "host", "h1"), peer("b", PeerState.UP, "worker", "h1")))
                .grab()).as("a host's mailbox is always taken, even without load balancing")
                .isEqualTo(Map.of("a", 10, "h", 1));
    }

    @Test
    void aPeerUnderAnotherPolicyShouldNotBeHelpedButBeTakenOverOpenlyWhenItFails() {
        TakeoverPlan up = TakeoverPlan.of(WORKER, List.of(peer("b", PeerState.UP, "worker", "other")));
        assertThat(up.grab()).containsOnlyKeys("a");
        assertThat(up.drifted()).isEmpty();

        TakeoverPlan down = TakeoverPlan.of(WORKER, List.of(peer("b", PeerState.DOWN, "worker", "other")));
        assertThat(down.grab()).containsEntry("b", 1);
        assertThat(down.drifted()).containsExactly("b");

        TakeoverPlan.Self strict = new TakeoverPlan.Self("a", true, NodeState.UP, true, "h1", true, false);
        assertThat(TakeoverPlan.of(strict, List.of(peer("b", PeerState.DOWN, "worker", "other"))).grab()).containsOnlyKeys("a");
    }
}
