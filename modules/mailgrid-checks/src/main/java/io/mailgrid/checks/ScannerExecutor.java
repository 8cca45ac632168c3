package io.mailgrid.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs a scanner command for camel-exec ({@link ExecCommandExecutor}, the component's
 * {@code commandExecutor} extension point), hardened for a program that misbehaves:
 * <ul>
 * <li>stdout and stderr are kept up to {@value #MAX_OUTPUT} bytes each; a program that prints
 *     without end cannot fill the heap (camel-exec's default executor buffers everything);</li>
 * <li>at the command's timeout the program <em>and its child processes</em> get SIGKILL (the
 *     default sends SIGTERM to the program only, which a hung program or a shell script's
 *     child may ignore while holding the output pipe open);</li>
 * <li>after the program ended, stream pumping waits at most 2 s for children still holding the
 *     pipes, and leftover children are killed.</li>
 * </ul>
 * A command that ran past its timeout throws {@link TimedOutException}.
 */
public final class ScannerExecutor implements ExecCommandExecutor {

    /** Bytes of stdout and of stderr kept; the rest is counted and dropped. */
    public static final int MAX_OUTPUT = 64 * 1024;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mailgrid-scanner-timeout");
        thread.setDaemon(true);
        return thread;
    });

    /** The command ran longer than its timeout and was killed. */
    public static final class TimedOutException extends ExecException {
        private static final long serialVersionUID = 1L;

        TimedOutException(ExecCommand command, InputStream stdout, InputStream stderr) {
            super("killed after its timeout of " + Duration.ofMillis(command.getTimeout()).toMillis() + " ms", stdout, stderr, -1);
        }
    }

    @Override
    public ExecResult execute(ExecCommand command) {
        BoundedOutput out = new BoundedOutput();
        BoundedOutput err = new BoundedOutput();
        LaunchedProcess launched = new LaunchedProcess();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null); // every exit code is an answer; the caller interprets it
        executor.setProcessDestroyer(launched);
        PumpStreamHandler streams = new PumpStreamHandler(out, err, command.getInput());
        streams.setStopTimeout(Duration.ofSeconds(2));
        executor.setStreamHandler(streams);
        CommandLine line = new CommandLine(command.getExecutable());
        command.getArgs().forEach(arg -> line.addArgument(arg, false));

        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = command.getTimeout() == ExecEndpoint.NO_TIMEOUT ? null
                : TIMER.schedule(() -> {
                    timedOut.set(true);
                    launched.killTree();
                }, command.getTimeout(), TimeUnit.MILLISECONDS);
        try {
            int exit = executor.execute(line);
            if (timedOut.get()) {
                throw new TimedOutException(command, out.stream(), err.stream());
            }
            return new ExecResult(command, out.stream(), err.stream(), exit);
        } catch (ExecuteException e) {
            if (timedOut.get()) {
                throw new TimedOutException(command, out.stream(), err.stream());
            }
            throw new ExecException(e.getMessage(), out.stream(), err.stream(), e.getExitValue(), e);
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new TimedOutException(command, out.stream(), err.stream());
            }
            throw new ExecException("cannot run " + command.getExecutable() + ": " + e.getMessage(), out.stream(),
                    err.stream(), -1, e);
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            // interrupted while waiting (reservation deadline), or children left behind: none may outlive the scan
            launched.killTree();
            closeQuietly(command.getInput());
        }
    }

    private static void closeQuietly(InputStream input) {
        if (input != null) {
            try {
                input.close();
            } catch (IOException ignored) {
                // nothing to release for an in-memory stream
            }
        }
    }

    /** Remembers the process commons-exec started, so it and its children can be killed. */
    private static final class LaunchedProcess implements ProcessDestroyer {
        private volatile Process process;

        @Override
        public boolean add(Process started) {
            this.process = started;
            return true;
        }

        @Override
        public boolean remove(Process ended) {
            return true;
        }

        @Override
        public int size() {
            return process == null ? 0 : 1;
        }

        void killTree() {
            Process current = process;
            if (current != null) {
                ProcessHandle handle = current.toHandle();
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        }
    }

    /** Keeps the first {@link #MAX_OUTPUT} bytes written to it. */
    private static final class BoundedOutput extends OutputStream {
        private final byte[] kept = new byte[MAX_OUTPUT];
        private int size;

        @Override
        public synchronized void write(int b) {
            if (size < kept.length) {
                kept[size++] = (byte) b;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int n = Math.min(len, kept.length - size);
            if (n > 0) {
                System.arraycopy(b, off, kept, size, n);
                size += n;
            }
        }

        synchronized InputStream stream() {
            return size == 0 ? null : new ByteArrayInputStream(Arrays.copyOf(kept, size));
        }
    }
}
