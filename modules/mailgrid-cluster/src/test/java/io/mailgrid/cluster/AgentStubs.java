package io.mailgrid.cluster;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What a {@link ClusterAgent} drives in a node, stubbed for tests of the agent alone. */
final class AgentStubs {

    private AgentStubs() {
    }

    /** Routes that note which mailboxes are grabbed and deliver for no peer. */
    static ClusterAgent.Routes recording(Set<String> grabbed) {
        return new ClusterAgent.Routes() {
            @Override
            public void grab(String mailboxNode, int priority, boolean acceptUnmarked) {
                grabbed.add(mailboxNode);
            }

            @Override
            public void stopGrabbing(String mailboxNode) {
                grabbed.remove(mailboxNode);
            }

            @Override
            public Optional<String> deliverFor(String peer, String peerTarget) {
                return Optional.empty();
            }

            @Override
            public void stopDeliveringFor(String peer) {
            }
        };
    }

    /** Routes whose grabbing nobody looks at. */
    static ClusterAgent.Routes noRoutes() {
        return recording(ConcurrentHashMap.newKeySet());
    }

    /** A node with no mail in flight and none processed. */
    static ClusterAgent.Workload idle() {
        return new ClusterAgent.Workload() {
            @Override
            public int inFlight() {
                return 0;
            }

            @Override
            public long processed() {
                return 0;
            }
        };
    }
}
