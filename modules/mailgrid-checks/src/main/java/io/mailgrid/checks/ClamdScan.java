package io.mailgrid.checks;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * Virus scan by the ClamAV daemon, spoken to directly: the mail goes to clamd as an
 * {@code INSTREAM} over its Unix socket or TCP, on pooled sessions, without a process per mail
 * (the {@code virus-scan} check forks {@code clamdscan} for every mail).
 *
 * <p>Fail-closed: clamd's {@code stream: OK} is CLEAN, {@code stream: NAME FOUND} is INFECTED
 * with the name as the reason, and everything else is a {@link CheckFailedException} (the mail is
 * retried, then dead-lettered, never delivered unscanned): an {@code ERROR} answer (a database
 * reload that failed, a stream over clamd's StreamMaxLength), no answer within the timeout, a
 * connection clamd closed, a mail larger than {@code stream-max-length} (not sent at all: clamd
 * would stop reading it part-way).
 *
 * <p>Availability: about once a second, when asked, a probe on a new connection asks for
 * clamd's VERSION and scans a few harmless bytes; a clamd that cannot be reached, does not answer,
 * or answers the probe with an error makes the check unavailable, and the node goes into
 * maintenance until it answers again. A scan that cannot connect makes it unavailable at once.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.clamd.address}</td><td>{@code unix:/path} or {@code tcp:host:port}</td><td>{@code unix:/var/run/clamav/clamd.ctl}</td></tr>
 * <tr><td>{@code mailgrid.clamd.timeout}</td><td>duration: one scan, once connected</td><td>2m</td></tr>
 * <tr><td>{@code mailgrid.clamd.connect-timeout}</td><td>duration: connecting, and the whole probe</td><td>2s</td></tr>
 * <tr><td>{@code mailgrid.clamd.pool-size}</td><td>sessions kept open; 0 = a connection per scan</td><td>8</td></tr>
 * <tr><td>{@code mailgrid.clamd.stream-max-length}</td><td>size: clamd's StreamMaxLength</td><td>25MB</td></tr>
 * </table>
 */
public final class ClamdScan implements Check, AutoCloseable {

    /** The check's name in routes/policy.xml ({@code check:clamd}) and in stamps. */
    public static final String NAME = "clamd";

    /** How old the last look at clamd may be before status() asks again. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final ClamdAddress address;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final int poolSize;
    private final long streamMaxLength;
    private final ClamdClient client;
    private final Clock clock;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final ThreadPoolExecutor prober;
    private volatile Health health;
    private volatile String version;

    /** What was last seen of clamd, and when. */
    private record Health(CheckStatus status, Instant at) {
    }

    /**
     * @param address         where clamd listens
     * @param timeout         longest one scan may take once connected
     * @param connectTimeout  longest wait for a connection, and for the whole availability probe
     * @param poolSize        sessions kept open; 0 = a new connection for every scan
     * @param streamMaxLength clamd's StreamMaxLength: a larger mail is a scanner error
     * @param clock           when clamd was last seen
     */
    public ClamdScan(ClamdAddress address, Duration timeout, Duration connectTimeout, int poolSize,
            long streamMaxLength, Clock clock) {
        if (timeout.isZero() || timeout.isNegative() || connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException("clamd timeouts must be positive");
        }
        if (poolSize < 0 || streamMaxLength < 1) {
            throw new IllegalArgumentException("pool size must be at least 0 and stream max length at least 1");
        }
        this.address = address;
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.poolSize = poolSize;
        this.streamMaxLength = streamMaxLength;
        this.clock = clock;
        this.client = new ClamdClient(address, poolSize, connectTimeout, timeout);
        this.prober = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "mailgrid-clamd-probe");
            thread.setDaemon(true);
            return thread;
        });
        prober.allowCoreThreadTimeOut(true); // no thread while nobody asks
    }

    /** Reads the {@code mailgrid.clamd.*} settings; a bad one fails naming its key. */
    public static ClamdScan from(MailgridConfig config) {
        ClamdSettings settings = ClamdSettings.from(config);
        return new ClamdScan(settings.address(), settings.timeout(), settings.connectTimeout(), settings.poolSize(),
                settings.streamMaxLength(), Clock.systemUTC());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        String known = version;
        return NAME + " (" + address + (known == null ? "" : ", " + known) + ", "
                + (poolSize > 0 ? poolSize + " pooled sessions" : "a connection per scan") + ", timeout "
                + timeout.toMillis() + " ms, stream max " + streamMaxLength + " bytes)";
    }

    /** clamd's version line from the last probe, e.g. {@code ClamAV 1.4.6/27000/Mon Dec  1 09:00:00 2026}. */
    @Override
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /**
     * Whether clamd answers: the result of the last probe or scan. The first call probes at once
     * (at most the connect timeout); later ones return at once and start a probe in the background
     * when the last look is older than a second, so a hung clamd never holds up the caller.
     */
    @Override
    public CheckStatus status() {
        Health last = health;
        if (last == null) {
            probe();
            return health.status();
        }
        if (!last.at().plus(PROBE_INTERVAL).isAfter(clock.instant()) && probing.compareAndSet(false, true)) {
            try {
                prober.execute(() -> {
                    try {
                        probe();
                    } finally {
                        probing.set(false);
                    }
                });
            } catch (RuntimeException e) {
                probing.set(false);
            }
        }
        return last.status();
    }

    private void probe() {
        CheckStatus status;
        try {
            ClamdClient.Probe probe = client.probe();
            version = probe.version();
            status = switch (probe.reply().kind()) {
                case OK -> CheckStatus.ok();
                case FOUND -> CheckStatus.unavailable("clamd at " + address + " finds the harmless probe infected: "
                        + probe.reply().text());
                case ERROR -> CheckStatus.unavailable("clamd at " + address + " answers errors: " + probe.reply().text());
            };
        } catch (ClamdClient.UnreachableException e) {
            status = CheckStatus.unavailable(e.getMessage());
        } catch (IOException e) {
            status = CheckStatus.unavailable("clamd at " + address + ": " + message(e));
        }
        health = new Health(status, clock.instant());
    }

    @Override
    public CheckResult check(MailUnderCheck mail) throws CheckFailedException {
        int size = mail.bytes().length;
        if (size > streamMaxLength) {
            throw new CheckFailedException("mail of " + size + " bytes is larger than " + ClamdSettings.STREAM_MAX_LENGTH
                    + " (" + streamMaxLength + " bytes): clamd would stop reading it part-way, so it is not scanned");
        }
        ClamdReply reply;
        try {
            reply = client.scan(mail.bytes());
        } catch (ClamdClient.UnreachableException e) {
            health = new Health(CheckStatus.unavailable(e.getMessage()), clock.instant());
            throw new CheckFailedException(e.getMessage(), e);
        } catch (ClosedByInterruptException e) {
            throw new CheckFailedException("interrupted before clamd answered", e);
        } catch (IOException e) {
            throw new CheckFailedException("clamd at " + address + ": " + message(e), e);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CheckFailedException("interrupted before clamd answered");
        }
        return switch (reply.kind()) {
            case OK -> CheckResult.clean();
            case FOUND -> CheckResult.of(Verdict.INFECTED, reply.text());
            case ERROR -> throw new CheckFailedException("clamd error: " + reply.text()
                    + (reply.text().contains("size limit") ? " (clamd's StreamMaxLength is below "
                            + ClamdSettings.STREAM_MAX_LENGTH + ")" : ""));
        };
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Closes the pooled connections. */
    @Override
    public void close() {
        client.close();
        prober.shutdownNow();
    }
}
