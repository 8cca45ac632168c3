package io.mailgrid.node.runtime;

/** A node's start given up because the node was told to stop meanwhile; what had started is stopped. */
public final class StartAbandonedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StartAbandonedException(String node, String step) {
        super("the start of node " + node + " was given up " + step + ": it was told to stop");
    }
}
