package io.mailgrid.node.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.cluster.ClusterSettingsCatalog;
import io.mailgrid.cluster.ClusterWatch;
import io.mailgrid.cluster.ControlChannel;
import io.mailgrid.cluster.Membership;
import io.mailgrid.cluster.PeerState;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeNames;

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
    MailgridCommand.ConfigOptions options;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name")
    String node;

    @Parameters(index = "1", paramLabel = "on|off", description = "on: stop grabbing; off: grab again")
    Switch mode;

    @Option(names = "--broker", paramLabel = "URL", description = "Broker URL (default: the embedded broker's address)")
    String broker;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long to wait for the node to confirm (default: ${DEFAULT-VALUE}; 0 = do not wait)")
    String waitFor;

    @Override
    public Integer call() throws Exception {
        NodeNames.requireValid(node);
        Map<String, String> overrides = new HashMap<>();
        overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
        MailgridConfig config = options.load(overrides);
        Duration wait = MailgridConfig.of(Map.of("wait", waitFor)).duration("wait");
        PeerState wanted = mode == Switch.on ? PeerState.MAINTENANCE : PeerState.UP;

        Duration timeout = config.duration(ClusterSettingsCatalog.HEARTBEAT_TIMEOUT);
        try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                // listening before the request: the node's answer is judged by when it arrives, not by its clock
                ClusterWatch watch = ClusterWatch.start(factory, config.duration(ClusterSettingsCatalog.HEARTBEAT_INTERVAL),
                        timeout, Clock.systemUTC())) {
            new ControlChannel(factory).send(node, new ControlChannel.Command(mode == Switch.on,
                    System.getProperty("user.name") + "@" + NodeNames.fromHostName(), System.currentTimeMillis()));
            System.out.println("Maintenance " + mode + " requested for " + node + ".");
            if (wait.isZero()) {
                return 0;
            }
            Instant deadline = Instant.now().plus(wait);
            Optional<Membership.Peer> status = Optional.empty();
            while (Instant.now().isBefore(deadline)) {
                status = watch.nodes().stream().filter(n -> n.last().node().equals(node)).findFirst();
                if (status.isPresent() && status.get().state() == PeerState.DOWN) {
                    System.out.println(node + " is DOWN (no heartbeat for " + timeout.toSeconds()
                            + " s); the request applies when it starts.");
                    return 0;
                }
                if (status.isPresent() && status.get().heard() && status.get().state() == wanted
                        && status.get().last().inFlight() == 0) {
                    System.out.println(node + " is " + wanted + (mode == Switch.on
                            ? ": it grabs no mail; peers process its mailbox." : ": it grabs its mailbox again."));
                    return 0;
                }
                waitBriefly();
            }
            System.err.println("mailgrid maintenance: " + node + " did not confirm within " + waitFor + " (last seen: "
                    + status.map(s -> s.state() + ", " + s.last().inFlight() + " in flight").orElse("never") + ")");
            return MailgridCommand.EXIT_FAILURE;
        }
    }

    private static void waitBriefly() throws InterruptedException {
        Thread.sleep(250); // polling the status queue for the node's confirmation
    }
}
