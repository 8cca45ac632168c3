package io.mailgrid.node.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import io.mailgrid.cluster.ClusterWatch;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.cluster.Membership;
import io.mailgrid.cluster.PeerState;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.BrokerUnavailableException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeNames;
import io.mailgrid.core.QueueDepths;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;

/**
 * {@code mailgrid forget NODE}: a node that is gone for good (a container that got a new host name)
 * is dropped at once from every node's membership table and from {@code mailgrid.status}, instead
 * of after {@code mailgrid.cluster.forget-after}. Refused for a node that is not DOWN, or whose
 * mailbox or outbound queue still holds mail. Its empty queues stay in the broker.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = "Forget a node that is DOWN and whose queues are empty: peers stop consuming its queues and it"
                + " leaves the status list. It comes back if it ever sends a heartbeat again.")
final class ForgetCommand implements Callable<Integer> {

    @Mixin
    OperatorConnection login;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name")
    String node;

    @Override
    public Integer call() throws Exception {
        NodeNames.requireValid(node);
        MailgridConfig config = login.config();
        Duration sendTimeout = SendDeadline.timeout(config);
        Clock clock = Clock.systemUTC();
        try (BrokerManagement management = BrokerManagement.connect(config);
                ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                ClusterWatch watch = ClusterWatch.start(factory, config, clock)) {
            watch.awaitSettled();
            Optional<Membership.Peer> known = watch.node(node);
            if (known.isEmpty()) {
                return refuse("no node named " + node + " in " + Queues.STATUS);
            }
            Membership.Peer peer = known.get();
            if (watch.shown(peer) != PeerState.DOWN) {
                return refuse(node + " is " + peer.state() + " (a heartbeat arrived " + peer.age(clock.instant())
                        .toMillis() + " ms ago): only a node that is DOWN can be forgotten; stop it first");
            }
            Map<String, Long> holding = QueueDepths.of(management, List.of(Queues.mailbox(node), Queues.outbound(node)));
            for (Map.Entry<String, Long> queue : holding.entrySet()) {
                if (queue.getValue() > 0) {
                    return refuse(queue.getKey() + " holds " + queue.getValue() + " mail(s): " + node
                            + " is forgotten only once its queues are empty (its peers process and deliver them"
                            + " while it is DOWN)");
                }
            }
            try (HeartbeatChannel channel = new HeartbeatChannel(factory)) {
                channel.publishForget(node, Quarantine.currentOperator(), sendTimeout);
            }
            HeartbeatChannel.removeStatus(management, node);
            System.out.println("Forgot " + node + ": removed from " + Queues.STATUS + "; its peers stop consuming its"
                    + " queues (its empty queues stay in the broker).");
            return 0;
        } catch (BrokerUnavailableException e) {
            System.err.println("mailgrid forget: " + e.getMessage());
            return MailgridCommand.EXIT_FAILURE;
        }
    }

    private static int refuse(String why) {
        System.err.println("mailgrid forget: " + why);
        return MailgridCommand.EXIT_FAILURE;
    }
}
