package io.mailgrid.node.cli;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.mailgrid.cluster.PeerState;
import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.Queues;

/**
 * What {@code maintenance --wait} prints while it waits for a node: a line whenever the node's
 * state (with its reason) or the mails it holds change; on a terminal also when its mailbox changes, and at least
 * every few seconds so the time waited moves. A script (no terminal) gets only the lines that say
 * something new. Pure: the command passes what it saw and how long it has waited.
 */
final class MaintenanceProgress {

    /**
     * One look at the node.
     *
     * @param state    its state as judged, or null while no heartbeat of it is known
     * @param reason   what its heartbeat says about the state (e.g. still finishing its mails), or null
     * @param reserved mails it holds (reserved, not yet committed), from its heartbeat
     * @param mailbox  mails in its mailbox (waiting or reserved), or -1 if unknown
     */
    record Look(PeerState state, String reason, int reserved, long mailbox) {
    }

    /** How often a terminal gets a line although nothing changed. */
    static final Duration TERMINAL_EVERY = Duration.ofSeconds(5);

    private final String node;
    private final Duration limit;
    private final boolean terminal;
    private Look printed;
    private Duration printedAt;

    /**
     * @param node     the node waited for
     * @param limit    how long the command waits at most
     * @param terminal whether the output is a terminal (a person watching) rather than a script
     */
    MaintenanceProgress(String node, Duration limit, boolean terminal) {
        this.node = node;
        this.limit = limit;
        this.terminal = terminal;
    }

    /** The line to print for this look, {@code waited} after the request, if there is one to print. */
    Optional<String> next(Look look, Duration waited) {
        boolean changed = printed == null || look.state() != printed.state() || look.reserved() != printed.reserved()
                || !Objects.equals(look.reason(), printed.reason())
                || terminal && look.mailbox() != printed.mailbox();
        boolean due = terminal && printedAt != null && waited.minus(printedAt).compareTo(TERMINAL_EVERY) >= 0;
        if (!changed && !due) {
            return Optional.empty();
        }
        printed = look;
        printedAt = waited;
        return Optional.of(line(look, waited));
    }

    private String line(Look look, Duration waited) {
        String seen = look.state() == null ? "no heartbeat of " + node + " yet"
                : node + " " + look.state() + (look.reason() == null ? "" : " (" + ControlCharacters.escape(look.reason()) + ")")
                        + ", " + look.reserved() + " mail(s) reserved"
                        + (look.mailbox() < 0 ? "" : ", " + look.mailbox() + " in " + Queues.mailbox(node));
        return "waited " + waited.toSeconds() + " s of " + limit.toSeconds() + " s: " + seen;
    }
}
