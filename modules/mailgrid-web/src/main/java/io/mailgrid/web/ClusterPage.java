package io.mailgrid.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.mailgrid.cluster.ClusterWatch;
import io.mailgrid.cluster.Heartbeat;
import io.mailgrid.cluster.Membership;
import io.mailgrid.core.Ages;

/**
 * The read-only cluster page ({@code GET /}): every node as heartbeats show it (a long-lived
 * {@link ClusterWatch}, judged like {@code mailgrid status}), every Mailgrid queue with its depth,
 * and every mail in flight with the node holding it and for how long. Plain HTML that reloads
 * itself every two seconds (a meta refresh: no script).
 */
public final class ClusterPage implements AutoCloseable {

    /** One queue: mails waiting, in flight, and consumers attached. */
    public record QueueRow(String name, long waiting, long inFlight, int consumers) {
    }

    /** One reserved mail: which queue, which node holds it, since when (null if unknown). */
    public record HeldMail(String mailId, String queue, String holder, Instant since) {
    }

    /** What the broker says about the queues, read on every page load. */
    public record Queues(List<QueueRow> queues, List<HeldMail> held) {
    }

    /** Reads the queues from the broker (the node's management connection). */
    @FunctionalInterface
    public interface QueueSource {
        Queues read() throws Exception;
    }

    private final ClusterWatch watch;
    private final Duration timeout;
    private final Clock clock;
    private final QueueSource queues;

    /**
     * @param watch   heartbeats of every node, the node's own included
     * @param timeout the heartbeat timeout: a LEAVING node silent this long shows as DOWN
     */
    public ClusterPage(ClusterWatch watch, Duration timeout, Clock clock, QueueSource queues) {
        this.watch = watch;
        this.timeout = timeout;
        this.clock = clock;
        this.queues = queues;
    }

    /** Every known node with its state, as the page shows it (also the metrics' nodes by state). */
    public Map<String, String> states() {
        Instant now = clock.instant();
        Map<String, String> states = new TreeMap<>();
        watch.nodes().forEach(peer -> states.put(peer.last().node(), state(peer, now)));
        return states;
    }

    private String state(Membership.Peer peer, Instant now) {
        return peer.shown(now, timeout).name();
    }

    /** The queues and reserved mails as the broker reports them now. */
    public Queues queues() throws Exception {
        return queues.read();
    }

    /** The page as it is now. */
    public String render(String self) {
        Instant now = clock.instant();
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"2\">")
                .append("<title>Mailgrid cluster</title><style>")
                .append("body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}")
                .append(".UP{color:#060}.DOWN,.SUSPECT{color:#b00;font-weight:bold}.MAINTENANCE,.LEAVING,.STARTING{color:#a60}")
                .append("</style></head><body>\n<h1>Mailgrid cluster</h1>\n<p>As node <b>").append(esc(self))
                .append("</b> sees it at ").append(esc(now.toString())).append(" (reloads every 2 s).</p>\n");

        html.append("<h2>Nodes</h2>\n<table id=\"nodes\"><tr><th>node</th><th>state</th><th>heartbeat age</th>")
                .append("<th>load</th><th>processed</th><th>checks</th><th>config hash</th><th>reason</th></tr>\n");
        List<Membership.Peer> peers = new ArrayList<>(watch.nodes());
        peers.sort(Comparator.comparing(p -> p.last().node()));
        for (Membership.Peer peer : peers) {
            Heartbeat beat = peer.last();
            String state = state(peer, now);
            html.append("<tr data-node=\"").append(esc(beat.node())).append("\"><td>").append(esc(beat.node()))
                    .append("</td><td class=\"state ").append(state).append("\">").append(state)
                    .append("</td><td>").append(Ages.of(peer.silence(now)))
                    .append("</td><td>").append(beat.inFlight()).append('/').append(beat.capacity())
                    .append("</td><td>").append(beat.processed())
                    .append("</td><td>").append(esc(beat.checks().entrySet().stream()
                            .map(e -> e.getKey() + (e.getValue() ? "" : " (unavailable)")).collect(Collectors.joining(", "))))
                    .append("</td><td>").append(esc(beat.configHash()))
                    .append("</td><td>").append(esc(beat.reason() == null ? "" : beat.reason())).append("</td></tr>\n");
        }
        html.append("</table>\n");

        Queues read;
        try {
            read = queues.read();
        } catch (Exception e) {
            html.append("<p id=\"queues-error\">Queues cannot be read now: ").append(esc(String.valueOf(e.getMessage())))
                    .append("</p>\n</body></html>\n");
            return html.toString();
        }
        html.append("<h2>Queues</h2>\n<table id=\"queues\"><tr><th>queue</th><th>waiting</th><th>in flight</th>")
                .append("<th>consumers</th></tr>\n");
        for (QueueRow queue : read.queues()) {
            html.append("<tr><td>").append(esc(queue.name())).append("</td><td>").append(queue.waiting())
                    .append("</td><td>").append(queue.inFlight()).append("</td><td>").append(queue.consumers())
                    .append("</td></tr>\n");
        }
        html.append("</table>\n<h2>Mails in flight</h2>\n<table id=\"in-flight\"><tr><th>mail</th><th>queue</th>")
                .append("<th>held by</th><th>for</th></tr>\n");
        for (HeldMail mail : read.held()) {
            html.append("<tr><td>").append(esc(mail.mailId())).append("</td><td>").append(esc(mail.queue()))
                    .append("</td><td>").append(esc(mail.holder())).append("</td><td>")
                    .append(Ages.since(mail.since(), now))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    /** Text from heartbeats and mail ids is data, never markup. */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 ? ' ' : c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        watch.close();
    }
}
