package io.mailgrid.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a call that may hang (a send the broker holds back) on a daemon thread of its own and waits
 * for it at most so long: a test of "does not wait forever" fails with a timeout instead of hanging,
 * and a call that still hangs neither blocks the test nor keeps the test JVM alive.
 */
public final class Bounded {

    private Bounded() {
    }

    /** An action that may throw, for {@link #run}. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * The call's result, if it returns within {@code within}.
     *
     * @throws TimeoutException if it did not (its thread is interrupted and left to end)
     * @throws ExecutionException if it threw
     */
    public static <T> T call(String threadName, Duration within, Callable<T> call)
            throws InterruptedException, ExecutionException, TimeoutException {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw e;
        }
    }

    /** {@link #call} for an action without a result. */
    public static void run(String threadName, Duration within, Action action)
            throws InterruptedException, ExecutionException, TimeoutException {
        call(threadName, within, () -> {
            action.run();
            return null;
        });
    }
}
