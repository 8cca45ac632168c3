package io.mailgrid.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.Exchange;

import io.mailgrid.core.MailProperty;

/**
 * A route step for tests with node processes: a mail that reaches it is announced in a file and
 * held until the test opens the gate, so the test acts (SIGSTOP the node, say) at a known point of
 * the route instead of guessing when a process gets there. In a copy of the routes:
 * <pre>
 * &lt;bean beanType="io.mailgrid.testing.FileGate" method="hold(${exchange}, '/some/dir')"/&gt;
 * </pre>
 * A mail that reaches it writes {@code <dir>/<mail-id>.entered} and waits until {@code <dir>/open}
 * exists; {@link #mark} only writes {@code <dir>/<mail-id>.<what>}.
 */
public final class FileGate {

    private static final String ENTERED = ".entered";

    /** Announces the mail and holds it until the gate is open (at most ten minutes). */
    public void hold(Exchange exchange, String dir) throws IOException, InterruptedException {
        Path gate = Path.of(dir);
        Files.createDirectories(gate);
        Files.writeString(gate.resolve(mailId(exchange) + ENTERED), "");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(gate.resolve("open")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Notes that the mail got here: {@code <dir>/<mail-id>.<what>}. */
    public void mark(Exchange exchange, String dir, String what) throws IOException {
        Path gate = Path.of(dir);
        Files.createDirectories(gate);
        Files.writeString(gate.resolve(mailId(exchange) + "." + what), "");
    }

    /** Waits until a mail is held at the gate and returns its mail id. */
    public static String awaitHeld(Path dir, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> held(dir), Optional::isPresent).get();
    }

    /** Waits until {@link #mark} noted this mail. */
    public static void awaitMark(Path dir, String mailId, String what, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(dir.resolve(mailId + "." + what)));
    }

    /** Lets every held and later mail through. */
    public static void open(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("open"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> held(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(ENTERED))
                    .map(n -> n.substring(0, n.length() - ENTERED.length())).findFirst();
        }
    }

    private static String mailId(Exchange exchange) {
        return exchange.getMessage().getHeader(MailProperty.MAIL_ID, String.class);
    }
}
