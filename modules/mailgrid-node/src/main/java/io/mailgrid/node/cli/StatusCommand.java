package io.mailgrid.node.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.mailgrid.cluster.StatusReport;
import io.mailgrid.cluster.ClusterSettingsCatalog;
import io.mailgrid.core.Ages;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.BrokerUnavailableException;
import io.mailgrid.core.MailgridConfig;

/** {@code mailgrid status}: queue depths and the mails in flight, per node. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every node, every Mailgrid queue's depth and which node holds each mail in flight."
                + " Listens to heartbeats for up to the heartbeat timeout: a node is judged by when its heartbeats"
                + " arrive, never by its own clock.",
        exitCodeListHeading = "%nExit codes (added up when several hold; --check uses the Nagios codes instead):%n",
        exitCodeList = {"0:all nodes up, every mailbox has a consumer, no dead letters",
                "1:the broker could not be asked", "2:bad option or setting", "4:a node is DOWN (or --node unknown)",
                "8:a mailbox has no consumer", "16:mail in the dead-letter queue (mailgrid dlq list)"})
final class StatusCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    OperatorConnection login;

    @Option(names = "--json", description = "Print one JSON object instead of tables")
    boolean json;

    @Option(names = "--node", paramLabel = "NAME", description = "Only this node, its mailbox and outbound queue (and the shared queues)")
    String node;

    @Option(names = "--check", description = "Print one Nagios plugin line (OK/WARNING/CRITICAL/UNKNOWN with perfdata)"
            + " and exit with the Nagios code 0/1/2/3")
    boolean check;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "2",
            description = "Redraw every SECONDS (default 2) until Ctrl-C")
    Integer watch;

    // lets a test see a few redraws end
    @Option(names = "--watch-rounds", hidden = true)
    int watchRounds = Integer.MAX_VALUE;

    @Override
    public Integer call() throws Exception {
        MailgridConfig config = login.config();
        if (watch == null) {
            return once(config);
        }
        int exit = 0;
        for (int round = 0; round < watchRounds; round++) {
            if (round > 0) {
                Thread.sleep(watch * 1000L);
            }
            // raw bytes: the terminal-safe stream passes them on, and they clear the screen
            System.out.write("\u001b[H\u001b[2J".getBytes(StandardCharsets.US_ASCII));
            System.out.println(TIME.format(Clock.systemUTC().instant()) + "  every " + watch + "s, Ctrl-C to stop");
            exit = once(config);
            System.out.flush();
        }
        return exit;
    }

    private int once(MailgridConfig config) throws Exception {
        StatusReport report;
        try (BrokerManagement management = BrokerManagement.connect(config);
                ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config)) {
            report = ClusterHealth.scope(StatusReport.read(management, factory,
                    config.duration(ClusterSettingsCatalog.HEARTBEAT_INTERVAL),
                    config.duration(ClusterSettingsCatalog.HEARTBEAT_TIMEOUT), Clock.systemUTC()), node);
        } catch (BrokerUnavailableException e) {
            if (check) {
                System.out.println(ClusterHealth.unknownLine(e.getMessage()));
                return ClusterHealth.NagiosState.UNKNOWN.code();
            }
            System.err.println("mailgrid status: " + e.getMessage());
            return MailgridCommand.EXIT_FAILURE;
        }
        ClusterHealth health = ClusterHealth.of(report, node);
        if (check) {
            System.out.println(health.nagiosLine());
            return health.nagiosState().code();
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("broker", BrokerConnection.url(config));
            out.put("nodes", report.nodes());
            out.put("queues", report.queues());
            out.put("inFlight", report.inFlight());
            out.put("problems", health.problems());
            out.put("exitCode", health.exitCode());
            System.out.println(MailgridCommand.json(out));
        } else {
            print(System.out, BrokerConnection.url(config), report);
            if (!health.details().isEmpty()) {
                System.out.println();
                System.out.println("PROBLEMS (exit code " + health.exitCode() + ")");
                health.details().forEach(System.out::println);
            }
        }
        return health.exitCode();
    }

    static void print(PrintStream out, String url, StatusReport report) {
        out.println("Broker " + url);
        out.println();
        if (report.nodes().isEmpty()) {
            out.println("No node has published a heartbeat yet.");
        } else {
            out.printf("%-16s %-7s %-12s %9s %9s %9s  %-14s %s%n", "NODE", "ROLE", "STATE", "HEARTBEAT", "LOAD",
                    "DONE", "CONFIG", "CHECKS");
            report.nodes().forEach(n -> out.printf("%-16s %-7s %-12s %9s %9s %9d  %-14s %s%s%n", n.node(), n.role(),
                    n.state(), age(n.ageMillis()), n.inFlight() + "/" + n.capacity(), n.processed(),
                    n.configHash() + (n.drift() ? " DRIFT" : ""), checks(n.checks()),
                    n.reason() == null ? "" : "  (" + n.reason() + ")"));
            if (report.nodes().stream().anyMatch(n -> n.broker() != null)) {
                // on a cluster of live brokers: which broker each node's connection is on
                out.println();
                out.printf("%-16s %s%n", "NODE", "BROKER");
                report.nodes().forEach(n -> out.printf("%-16s %s%n", n.node(), n.broker() == null ? "?" : n.broker()));
            }
            if (report.nodes().stream().anyMatch(n -> !n.checkVersions().isEmpty())) {
                out.println();
                out.printf("%-16s %s%n", "NODE", "SCANS WITH");
                report.nodes().forEach(n -> n.checkVersions().forEach((check, version) ->
                        out.printf("%-16s %s: %s%n", n.node(), check, version)));
            }
        }
        out.println();
        // as wide as the longest name: a broker's status queue carries its node id (docs/adr/0030)
        int width = Math.max(40, report.queues().stream().mapToInt(q -> q.name().length()).max().orElse(0));
        out.printf("%-" + width + "s %9s %9s %9s%n", "QUEUE", "WAITING", "IN FLIGHT", "CONSUMERS");
        report.queues().forEach(q -> out.printf("%-" + width + "s %9d %9d %9d%n", q.name(), q.waiting(), q.inFlight(),
                q.consumers()));
        out.println();
        if (report.inFlight().isEmpty()) {
            out.println("No mail in flight.");
            return;
        }
        out.println("IN FLIGHT (reserved, not yet committed: the 'dispatched for' view)");
        out.printf("%-38s %-30s %-16s %s%n", "MAIL ID", "QUEUE", "HELD BY NODE", "FOR");
        Instant now = Clock.systemUTC().instant();
        report.inFlight().forEach(m -> out.printf("%-38s %-30s %-16s %s%n", m.mailId(), m.queue(), m.node(),
                Ages.since(m.reservedAt(), now)));
    }

    private static String age(long millis) {
        return Ages.of(Duration.ofMillis(millis)) + " ago";
    }

    private static String checks(Map<String, Boolean> checks) {
        StringBuilder text = new StringBuilder();
        checks.forEach((name, ok) -> text.append(text.length() == 0 ? "" : ",").append(name).append(ok ? "" : "(UNAVAILABLE)"));
        return text.length() == 0 ? "-" : text.toString();
    }
}
