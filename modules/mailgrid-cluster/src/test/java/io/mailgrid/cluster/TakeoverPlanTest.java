package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TakeoverPlanTest {

    private static final TakeoverPlan.Self WORKER = new TakeoverPlan.Self("a", true, NodeState.UP, true, "h1", true, true);

    private static Membership.Peer peer(String node, PeerState state, String role, String hash) {
        Heartbeat beat = new Heartbeat(node, role, NodeState.UP, null, 1, 1, 1, 0, 4, 0, Map.of(), hash, null);
        return new Membership.Peer(beat, Instant.EPOCH, state);
    }

    private static Membership.Peer requiring(String node, PeerState state, String hash, String... required) {
        Heartbeat beat = new Heartbeat(node, "worker", NodeState.UP, null, 1, 1, 1, 0, 4, 0, Map.of(), hash, null,
                List.of(required), Map.of());
        return new Membership.Peer(beat, Instant.EPOCH, state);
    }

    @Test
    void aMailboxWhoseMailNeedsACheckThisNodeLacksShouldNeverBeGrabbedButItsCheckedMailStillDelivered() {
        TakeoverPlan.Self withoutScanner = new TakeoverPlan.Self("b", true, NodeState.UP, true, "h2", true, true,
                Set.of("attachment-policy", "content-rules"));

        TakeoverPlan plan = TakeoverPlan.of(withoutScanner, List.of(
                requiring("a", PeerState.DOWN, "h1", "attachment-policy", "content-rules", "virus-scan"),
                requiring("c", PeerState.UP, "h2", "attachment-policy", "virus-scan"),
                requiring("d", PeerState.DOWN, "h1", "content-rules")));

        assertThat(plan.grab()).as("a and c need virus-scan; d's mail b can check").isEqualTo(Map.of("b", 10, "d", 1));
        assertThat(plan.unservable()).containsExactlyInAnyOrder("a", "c");
        assertThat(plan.drifted()).containsExactly("d");
        assertThat(plan.deliver()).as("checked mail waiting for delivery needs no check").containsExactlyInAnyOrder("a", "d");
    }

    @Test
    void aPeerThatDoesNotNeedTakingOverShouldNotCountAsUnservable() {
        TakeoverPlan.Self strict = new TakeoverPlan.Self("b", true, NodeState.UP, true, "h2", false, false, Set.of());

        TakeoverPlan plan = TakeoverPlan.of(strict, List.of(requiring("a", PeerState.UP, "h1", "virus-scan")));

        assertThat(plan.unservable()).isEmpty();
    }

    @Test
    void aHeartbeatFromANodeOlderThanRequiredChecksShouldRequireItsChain() {
        Heartbeat old = Heartbeat.fromJson("{\"node\":\"a\",\"role\":\"worker\",\"state\":\"UP\",\"sequence\":1,"
                + "\"checks\":{\"virus-scan\":true,\"content-rules\":true}}");

        assertThat(old.required()).containsExactly("content-rules", "virus-scan");
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
