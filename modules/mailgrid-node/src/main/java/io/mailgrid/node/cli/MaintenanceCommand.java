package io.mailgrid.node.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.cluster.ClusterWatch;
import io.mailgrid.cluster.ControlChannel;
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
 * {@code mailgrid maintenance NODE on|off}: the node stops (or resumes) grabbing, finishes or
 * returns its in-flight mails, and says MAINTENANCE in its heartbeat; peers take its mailbox over
 * while its ingress and delivery keep working. The request stays in force across restarts of the
 * node until it is turned off.
 */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "Put a node into maintenance (it stops grabbing; peers take over its mailbox) or back.")
final class MaintenanceCommand implements Callable<Integer> {

    enum Switch { on, off }

    @Mixin
    OperatorConnection login;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name")
    String node;

    @Parameters(index = "1", paramLabel = "on|off", description = "on: stop grabbing; off: grab again")
    Switch mode;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long to wait for the node to confirm, printing what it still holds meanwhile"
                    + " (default: ${DEFAULT-VALUE}; 0 = do not wait)")
    String waitFor;

    /** How long the wait goes without a look at the node, heartbeat or not. */
    private static final Duration NEWS_AT_LEAST = Duration.ofSeconds(1);

    @Override
    public Integer call() throws Exception {
        NodeNames.requireValid(node);
        MailgridConfig config = login.config();
        Duration wait = MailgridConfig.of(Map.of("wait", waitFor)).duration("wait");
        Duration sendTimeout = SendDeadline.timeout(config);

        Clock clock = Clock.systemUTC();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                // listening before the request: the node's answer is judged by when it arrives, not by its clock
                ClusterWatch watch = ClusterWatch.start(factory, config, clock)) {
            new ControlChannel(factory, sendTimeout).send(node, new ControlChannel.Command(mode == Switch.on,
                    System.getProperty("user.name") + "@" + NodeNames.fromHostName(), System.currentTimeMillis()));
            System.out.println("Maintenance " + mode + " requested for " + node + ".");
            if (wait.isZero()) {
                return 0;
            }
            BrokerManagement management = managementIfReachable(config);
            try {
                return await(watch, management, wait, clock);
            } finally {
                if (management != null) {
                    management.close();
                }
            }
        }
    }

    /** The management connection for the mailbox count the progress lines show, or null: the wait does not need it. */
    private static BrokerManagement managementIfReachable(MailgridConfig config) {
        try {
            return BrokerManagement.connect(config);
        } catch (BrokerUnavailableException e) {
            return null;
        }
    }

    /** Follows the node's heartbeats until it confirms, is DOWN, or the wait is over; prints progress meanwhile. */
    private int await(ClusterWatch watch, BrokerManagement management, Duration wait, Clock clock) throws Exception {
        PeerState wanted = mode == Switch.on ? PeerState.MAINTENANCE : PeerState.UP;
        MaintenanceProgress progress = new MaintenanceProgress(node, wait, System.console() != null);
        Instant start = clock.instant();
        Instant deadline = start.plus(wait);
        Optional<Membership.Peer> status = watch.node(node);
        while (true) {
            Duration waited = Duration.between(start, clock.instant());
            PeerState state = status.map(watch::shown).orElse(null);
            if (state == PeerState.DOWN) {
                System.out.println(node + " is DOWN (no heartbeat for " + watch.timeout().toSeconds()
                        + " s); the request applies when it starts.");
                return 0;
            }
            if (status.isPresent() && status.get().heard() && state == wanted && status.get().last().inFlight() == 0) {
                System.out.println(node + " is " + wanted + " after " + waited.toSeconds() + " s" + (mode == Switch.on
                        ? ": it grabs no mail; peers process its mailbox." : ": it grabs its mailbox again."));
                return 0;
            }
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            int reserved = status.map(s -> s.last().inFlight()).orElse(0);
            String reason = status.map(s -> s.last().reason()).orElse(null);
            progress.next(new MaintenanceProgress.Look(state, reason, reserved, mailbox(management)), waited)
                    .ifPresent(System.out::println);
            // woken by the node's next heartbeat, or after a second to see it fall silent
            Duration left = Duration.between(clock.instant(), deadline);
            status = watch.awaitNews(node, left.compareTo(NEWS_AT_LEAST) < 0 ? left : NEWS_AT_LEAST);
        }
        System.err.println("mailgrid maintenance: " + node + " did not confirm within " + waitFor + " (last seen: "
                + status.map(s -> watch.shown(s) + ", " + s.last().inFlight() + " in flight").orElse("never") + ")");
        return MailgridCommand.EXIT_FAILURE;
    }

    /** Mails in the node's mailbox, or -1 if the broker cannot say now (progress only: never fails the wait). */
    private long mailbox(BrokerManagement management) {
        if (management == null) {
            return -1;
        }
        try {
            return QueueDepths.of(management, List.of(Queues.mailbox(node))).get(Queues.mailbox(node));
        } catch (Exception e) {
            return -1;
        }
    }
}
