package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    // --- helpers per mailbox (docs/adr/0039) ---

    private static final Instant NOW = Instant.parse("2026-12-01T18:00:00Z");

    private static TakeoverPlan.Self helper(String name, int helpers) {
        return helper(name, "h1", helpers);
    }

    private static TakeoverPlan.Self helper(String name, String hash, int helpers) {
        return new TakeoverPlan.Self(name, true, NodeState.UP, true, hash, true, true, Set.of(), helpers);
    }

    private static List<Membership.Peer> cluster(int size) {
        List<Membership.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            peers.add(peer("n" + i, PeerState.UP, "worker", "h1"));
        }
        return peers;
    }

    /** Who grabs {@code mailbox} at helper priority, over every live node's own plan. */
    private static Set<String> helpersOf(String mailbox, List<Membership.Peer> peers, int helpers) {
        Set<String> grabbing = new TreeSet<>();
        plans(peers, helpers).forEach((name, plan) -> {
            if (!name.equals(mailbox) && plan.grab().containsKey(mailbox)) {
                assertThat(plan.grab().get(mailbox)).isEqualTo(TakeoverPlan.HELPER_PRIORITY);
                grabbing.add(name);
            }
        });
        return grabbing;
    }

    private static Map<String, TakeoverPlan> plans(List<Membership.Peer> peers, int helpers) {
        Map<String, TakeoverPlan> plans = new java.util.TreeMap<>();
        for (Membership.Peer self : peers) {
            if (self.state() == PeerState.UP || self.state() == PeerState.SUSPECT) {
                String name = self.last().node();
                plans.put(name, TakeoverPlan.of(helper(name, self.last().configHash(), helpers), peers, NOW));
            }
        }
        return plans;
    }

    private static int helperGrabs(List<Membership.Peer> peers, int helpers) {
        return plans(peers, helpers).values().stream().mapToInt(plan -> plan.grab().size() - 1).sum();
    }

    @Test
    void withTwentyNodesEachMailboxShouldHaveTwoHelpersNotNineteen() {
        List<Membership.Peer> peers = cluster(20);

        assertThat(helperGrabs(peers, 2)).as("20 mailboxes x 2 helpers; every worker helping every peer was 20 x 19 = 380")
                .isEqualTo(40);
        assertThat(helperGrabs(peers, 0)).isEqualTo(380);
    }

    @Test
    void withThreeNodesAndTwoHelpersEveryWorkerShouldStillHelpEveryPeer() {
        TakeoverPlan plan = TakeoverPlan.of(helper("a", 2), List.of(peer("b", PeerState.UP, "worker", "h1"),
                peer("c", PeerState.SUSPECT, "worker", "h1")), NOW);

        assertThat(plan.grab()).isEqualTo(Map.of("a", 10, "b", 1, "c", 1));
    }

    @Test
    void aHelperInMaintenanceOrDownShouldBeReplacedByTheNextRankedWorker() {
        List<Membership.Peer> peers = new ArrayList<>(cluster(10));
        List<String> ranked = Helpers.rank("n1", List.of("n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"));
        assertThat(helpersOf("n1", peers, 2)).containsExactlyInAnyOrderElementsOf(ranked.subList(0, 2));

        peers.replaceAll(p -> p.last().node().equals(ranked.get(0)) ? peer(ranked.get(0), PeerState.MAINTENANCE, "worker", "h1")
                : p.last().node().equals(ranked.get(1)) ? peer(ranked.get(1), PeerState.DOWN, "worker", "h1") : p);

        assertThat(helpersOf("n1", peers, 2)).containsExactlyInAnyOrderElementsOf(ranked.subList(2, 4));
    }

    @Test
    void aHelperThatCannotServeTheMailboxShouldBeSkipped() {
        List<Membership.Peer> peers = new ArrayList<>(cluster(10));
        List<String> ranked = Helpers.rank("n1", List.of("n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"));
        peers.replaceAll(p -> p.last().node().equals(ranked.get(0)) ? peer(ranked.get(0), PeerState.UP, "worker", "other") : p);

        assertThat(helpersOf("n1", peers, 2)).as("a node under another policy does not help, the next one does")
                .containsExactlyInAnyOrderElementsOf(ranked.subList(1, 3));
    }

    @Test
    void everyLiveWorkerShouldTakeOverTheMailboxOfADownLeavingOrMaintenanceNode() {
        for (PeerState absent : List.of(PeerState.DOWN, PeerState.LEAVING, PeerState.MAINTENANCE)) {
            List<Membership.Peer> peers = new ArrayList<>(cluster(10));
            peers.set(0, peer("n1", absent, "worker", "h1"));

            assertThat(helpersOf("n1", peers, 2)).as(absent.name()).hasSize(9);
        }
    }

    @Test
    void everyWorkerShouldTakeTheMailboxOfAHostOnlyNode() {
        List<Membership.Peer> peers = new ArrayList<>(cluster(10));
        peers.add(peer("mx", PeerState.UP, "host", "h1"));

        assertThat(helpersOf("mx", peers, 2)).hasSize(10);
    }

    @Test
    void aMailboxThatFallsBehindShouldBeHelpedByEveryWorkerUntilItHasCaughtUpForTenIntervals() {
        Membership membership = new Membership("n2", Duration.ofSeconds(1), Duration.ofSeconds(3));
        cluster(10).forEach(p -> membership.heard(p.last(), NOW));
        Heartbeat busy = new Heartbeat("n1", "worker", NodeState.UP, null, 2, 1, 1, 4, 4, 0, Map.of(), "h1", null,
                null, Map.of(), null, true);
        Heartbeat caughtUp = new Heartbeat("n1", "worker", NodeState.UP, null, 3, 1, 1, 0, 4, 0, Map.of(), "h1", null);
        membership.heard(busy, NOW);
        membership.heard(caughtUp, NOW.plusSeconds(1));
        List<Membership.Peer> peers = List.copyOf(membership.peers());

        assertThat(peers).filteredOn(p -> p.last().node().equals("n1")).singleElement()
                .satisfies(p -> assertThat(p.behind(NOW.plusMillis(9999))).isTrue())
                .satisfies(p -> assertThat(p.behind(NOW.plusSeconds(10))).isFalse());
        for (Membership.Peer self : peers) {
            String name = self.last().node();
            if (!name.equals("n1")) {
                assertThat(TakeoverPlan.of(helper(name, 2), peers, NOW.plusSeconds(5)).grab()).as(name).containsKey("n1");
            }
        }
        assertThat(peers.stream().map(p -> p.last().node()).filter(n -> !n.equals("n1"))
                .filter(n -> TakeoverPlan.of(helper(n, 2), peers, NOW.plusSeconds(10)).grab().containsKey("n1")))
                .as("back to two helpers once the mailbox kept up for ten intervals").hasSize(2);
    }
}
