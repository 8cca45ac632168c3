package io.mailgrid.core;

import org.apache.activemq.artemis.core.client.impl.ClientProducerCredits;

/**
 * Whether a thread is in Artemis's wait for producer credits: the one place a send waits while a
 * broker holds new messages back (its disk is full).
 *
 * <p>Artemis's client keeps that state to itself ({@code ClientProducerCredits.isBlocked()} is only
 * reachable through its session's internals, which create the credits they do not find). The waiting
 * thread's stack says it exactly; it is read once, when a send's deadline has passed
 * ({@link SendDeadline}). Should a later Artemis rename the wait, it is no longer found and the send
 * counts as {@link BrokerFault#NO_ANSWER}: unavailable, never wrongly "full".
 */
public final class CreditWait {

    private static final String ACQUIRE = "acquireCredits";

    private CreditWait() {
    }

    /** Whether {@code thread} is waiting, now, for credits to send. */
    public static boolean holds(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getMethodName().equals(ACQUIRE) && isCredits(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /** What a send on a connection that is up waits for: credits ({@link BrokerFault#HELD_BACK}) or an answer. */
    public static BrokerFault fault(Thread sender) {
        return holds(sender) ? BrokerFault.HELD_BACK : BrokerFault.NO_ANSWER;
    }

    private static boolean isCredits(String className) {
        try {
            return ClientProducerCredits.class.isAssignableFrom(
                    Class.forName(className, false, ClientProducerCredits.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
