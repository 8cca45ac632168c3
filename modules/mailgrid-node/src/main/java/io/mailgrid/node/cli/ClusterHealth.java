package io.mailgrid.node.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mailgrid.core.Queues;
import io.mailgrid.cluster.StatusReport;

/**
 * What {@code mailgrid status} concludes from a report: the problems an admin must act on, as exit
 * code bits and as one Nagios plugin line ({@code --check}).
 *
 * @param problems what is wrong, each once, in the order of {@link Problem}
 * @param details  one phrase per finding (e.g. "node b DOWN"), for the human and the Nagios line
 * @param warnings findings that need a look but lose no mail (a node in maintenance or suspect)
 * @param perfdata Nagios performance data, by label
 */
public record ClusterHealth(Set<Problem> problems, List<String> details, List<String> warnings,
        Map<String, Long> perfdata) {

    /** A problem {@code status} reports; its bit is set in the exit code. */
    public enum Problem {
        /** A node's heartbeats stopped (crashed, or stopped and not forgotten). */
        NODE_DOWN(4, true),
        /** A mailbox nobody takes mail from, of a known node or holding mail: its mail waits until a node takes it. */
        MAILBOX_WITHOUT_CONSUMER(8, true),
        /** Mail in the dead-letter queue: it failed every attempt and waits for {@code mailgrid dlq}. */
        DEAD_LETTERS(16, false);

        private final int bit;
        private final boolean critical;

        Problem(int bit, boolean critical) {
            this.bit = bit;
            this.critical = critical;
        }

        /** Its bit in the exit code of {@code status}. */
        public int bit() {
            return bit;
        }
    }

    /** Nagios plugin exit codes (the Monitoring Plugins guidelines). */
    public enum NagiosState {
        OK, WARNING, CRITICAL, UNKNOWN;

        /** The exit code Nagios, Icinga and their kin read. */
        public int code() {
            return ordinal();
        }
    }

    /** Judges a report; with {@code node} set, only that node and its own queues (and the DLQ). */
    public static ClusterHealth of(StatusReport report, String node) {
        Set<Problem> problems = EnumSet.noneOf(Problem.class);
        List<String> details = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long up = 0;
        long down = 0;
        if (node != null && report.nodes().stream().noneMatch(n -> n.node().equals(node))) {
            problems.add(Problem.NODE_DOWN);
            details.add("node " + node + " unknown (no heartbeat)");
            down++;
        }
        for (StatusReport.NodeStatus n : report.nodes()) {
            switch (n.state()) {
                case "DOWN" -> {
                    problems.add(Problem.NODE_DOWN);
                    details.add("node " + n.node() + " DOWN" + (n.reason() == null ? "" : " (" + n.reason() + ")"));
                    down++;
                }
                case "UP", "STARTING", "LEAVING" -> up++;
                default -> {
                    up++;
                    warnings.add("node " + n.node() + " " + n.state() + (n.reason() == null ? "" : " (" + n.reason() + ")"));
                }
            }
        }
        long waiting = 0;
        long inFlight = 0;
        long dead = 0;
        long quarantined = 0;
        for (StatusReport.QueueDepth q : report.queues()) {
            if (Queues.nodeOfMailbox(q.name()) != null) {
                waiting += q.waiting();
                inFlight += q.inFlight();
                // a forgotten node's empty mailbox stays in the broker (never deleted): no problem until mail waits there
                boolean known = report.nodes().stream().anyMatch(n -> n.node().equals(Queues.nodeOfMailbox(q.name())));
                if (q.consumers() == 0 && (known || q.waiting() + q.inFlight() > 0)) {
                    problems.add(Problem.MAILBOX_WITHOUT_CONSUMER);
                    details.add(q.name() + " has no consumer (" + q.waiting() + " waiting)");
                }
            } else if (q.name().equals(Queues.DLQ)) {
                dead = q.waiting() + q.inFlight();
            } else if (q.name().equals(Queues.QUARANTINE)) {
                quarantined = q.waiting() + q.inFlight();
            }
        }
        if (dead > 0) {
            problems.add(Problem.DEAD_LETTERS);
            details.add(dead + " mail(s) in " + Queues.DLQ);
        }
        Map<String, Long> perfdata = new LinkedHashMap<>();
        perfdata.put("nodes_up", up);
        perfdata.put("nodes_down", down);
        perfdata.put("waiting", waiting);
        perfdata.put("in_flight", inFlight);
        perfdata.put("dead_letters", dead);
        perfdata.put("quarantined", quarantined);
        return new ClusterHealth(problems, details, warnings, perfdata);
    }

    /** The part of a report about one node: its heartbeat, its mailbox and outbound queue, the shared queues. */
    public static StatusReport scope(StatusReport report, String node) {
        if (node == null) {
            return report;
        }
        return new StatusReport(report.nodes().stream().filter(n -> n.node().equals(node)).toList(),
                report.queues().stream().filter(q -> ownedBy(q.name(), node)).toList(),
                report.inFlight().stream().filter(m -> ownedBy(m.queue(), node)).toList());
    }

    private static boolean ownedBy(String queue, String node) {
        String owner = Queues.nodeOfMailbox(queue) != null ? Queues.nodeOfMailbox(queue) : Queues.nodeOfOutbound(queue);
        return owner == null || owner.equals(node);
    }

    /** The exit code of {@code status}: 0, or the sum of the problems' bits (4, 8, 16). */
    public int exitCode() {
        return problems.stream().mapToInt(Problem::bit).sum();
    }

    /** OK, WARNING (dead letters, a node in maintenance or suspect) or CRITICAL (a node down, a mailbox unserved). */
    public NagiosState nagiosState() {
        if (problems.stream().anyMatch(p -> p.critical)) {
            return NagiosState.CRITICAL;
        }
        return problems.isEmpty() && warnings.isEmpty() ? NagiosState.OK : NagiosState.WARNING;
    }

    /** One Nagios plugin line: {@code MAILGRID CRITICAL - node b DOWN | nodes_up=2;;;0 ...}. */
    public String nagiosLine() {
        List<String> findings = new ArrayList<>(details);
        findings.addAll(warnings);
        StringBuilder line = new StringBuilder("MAILGRID ").append(nagiosState()).append(" - ")
                .append(findings.isEmpty() ? perfdata.get("nodes_up") + " node(s) up, no dead letters" : String.join(", ", findings))
                .append(" |");
        perfdata.forEach((label, value) -> line.append(' ').append(label).append('=').append(value).append(";;;0"));
        return line.toString();
    }

    /** The Nagios line for a broker that could not be asked. */
    public static String unknownLine(String why) {
        return "MAILGRID " + NagiosState.UNKNOWN + " - " + why;
    }
}
