package io.mailgrid.node.cli;

/** The mail a command names is not (or no longer) in the queue it acts on. */
public class NoSuchMailException extends Exception {

    private static final long serialVersionUID = 1L;

    /** "no mail ID in QUEUE". */
    public NoSuchMailException(String mailId, String queue) {
        super("no mail " + mailId + " in " + queue);
    }
}
