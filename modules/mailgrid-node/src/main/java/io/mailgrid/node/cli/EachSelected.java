package io.mailgrid.node.cli;

import java.util.Collection;

/**
 * Acts on each selected mail (or group of mails), one step each, and turns what happened into the
 * exit code: each step prints its own line; a mail that is not (or no longer) there is named on
 * standard error; nothing done at all says "no such mail in QUEUE". Exit 1 if any mail was missing
 * or refused, or nothing was done.
 */
final class EachSelected {

    /** What is done with one selected item; returns how many mails it acted on. */
    interface Step<T> {
        int apply(T item) throws Exception;
    }

    private final String command;
    private final String queue;
    private int done;
    private boolean missing;
    private boolean refused;

    /**
     * @param command the command as typed, e.g. "quarantine release", named in every error line
     * @param queue   the queue the mails are selected from
     */
    EachSelected(String command, String queue) {
        this.command = command;
        this.queue = queue;
    }

    /** Applies the step to each item in turn; an item whose mail is not there is named and the rest go on. */
    <T> EachSelected each(Collection<T> items, Step<T> step) throws Exception {
        for (T item : items) {
            try {
                done += step.apply(item);
            } catch (NoSuchMailException e) {
                System.err.println("mailgrid " + command + ": " + e.getMessage());
                missing = true;
            }
        }
        return this;
    }

    /** A selected mail the command leaves where it is, and why. */
    EachSelected refuse(String why) {
        System.err.println("mailgrid " + command + ": " + why);
        refused = true;
        return this;
    }

    /** The exit code; says "no such mail" first when nothing was done and no mail was named missing. */
    int exit() {
        if (done == 0 && !missing) {
            System.err.println("mailgrid " + command + ": no such mail in " + queue);
            return MailgridCommand.EXIT_FAILURE;
        }
        return missing || refused ? MailgridCommand.EXIT_FAILURE : 0;
    }
}
