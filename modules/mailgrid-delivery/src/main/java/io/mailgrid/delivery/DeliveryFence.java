package io.mailgrid.delivery;

/**
 * Asked by a delivery right before a step it cannot take back (a relay's MAIL FROM, the final dot
 * of DATA): does this node still hold the mail? A node that hung (SIGSTOP, a long GC pause) or lost
 * its broker connection may have lost the mail to a peer, which then delivers it too (docs/adr/0017).
 */
@FunctionalInterface
public interface DeliveryFence {

    /** A fence that never stops a delivery: for tests and tools that hold no reservation. */
    DeliveryFence NONE = step -> {
    };

    /**
     * Returns if the mail may still be delivered by this node.
     *
     * @param step the step about to be taken, for the reason ("the end of DATA")
     * @throws FencedException when the reservation may be lost: the delivery stops and rolls back
     */
    void check(String step) throws FencedException;
}
