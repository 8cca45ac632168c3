package io.mailgrid.ingress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * The SMTP listener's server socket. Each connection it accepts keeps to its {@link ConnectionLimits}
 * on every read: the read timeout is cut to the nearest deadline, and a connection past a limit
 * hears 421 and is closed instead of being read further. So a client that trickles a byte at a
 * time, or never stops sending commands, is cut off on time, and SubEthaSMTP's own per-read idle
 * timeout still applies in between.
 */
final class LimitedServerSocket extends ServerSocket {

    private static final Logger LOG = LoggerFactory.getLogger(LimitedServerSocket.class);

    private final SmtpSettings settings;
    private final Clock clock;

    LimitedServerSocket(SmtpSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        LimitedSocket socket = new LimitedSocket(new ConnectionLimits(settings, clock.instant()), clock);
        implAccept(socket);
        return socket;
    }

    /** One client connection, with its limits. */
    static final class LimitedSocket extends Socket {

        private final ConnectionLimits limits;
        private final Clock clock;
        private volatile Session session;
        private InputStream in;

        private LimitedSocket(ConnectionLimits limits, Clock clock) {
            this.limits = limits;
            this.clock = clock;
        }

        ConnectionLimits limits() {
            return limits;
        }

        /** The SMTP session on this connection: replies go through it (it may have switched to TLS). */
        void attach(Session smtpSession) {
            this.session = smtpSession;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new LimitedInputStream(super.getInputStream());
            }
            return in;
        }

        private String client() {
            return getInetAddress() == null ? "?" : getInetAddress().getHostAddress();
        }

        /** Checks the limits before every read and counts the command lines read. */
        private final class LimitedInputStream extends FilterInputStream {

            LimitedInputStream(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int count) throws IOException {
                Instant now = clock.instant();
                Optional<ConnectionLimits.Breach> breach = limits.breach(now);
                if (breach.isPresent()) {
                    return cutOff(breach.get());
                }
                Duration timeout = limits.readTimeout(now);
                setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 1));
                int n;
                try {
                    n = super.read(target, offset, count);
                } catch (SocketTimeoutException e) {
                    // the read waited its whole timeout, whatever the clock's granularity says
                    Instant waited = now.plus(timeout);
                    Instant later = clock.instant().isAfter(waited) ? clock.instant() : waited;
                    Optional<ConnectionLimits.Breach> late = limits.breach(later);
                    if (late.isPresent()) {
                        return cutOff(late.get());
                    }
                    throw e; // the idle timeout: SubEthaSMTP answers it with 421
                }
                Session current = session;
                // under TLS the bytes here are ciphertext: lines are counted on plain connections only
                if (n > 0 && (current == null || !current.isTLSStarted())) {
                    limits.linesRead(lines(target, offset, n));
                }
                return n;
            }

            private int cutOff(ConnectionLimits.Breach breach) throws IOException {
                String reply = limits.reply(breach);
                limits.cutOff();
                LOG.info("SMTP client {} cut off: {}", client(), reply);
                Session current = session;
                if (current != null) {
                    current.sendResponse(reply);
                    current.quit();
                } else {
                    OutputStream out = getOutputStream();
                    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    close();
                }
                return -1;
            }
        }

        private static int lines(byte[] bytes, int offset, int count) {
            int lines = 0;
            for (int i = offset; i < offset + count; i++) {
                if (bytes[i] == '\n') {
                    lines++;
                }
            }
            return lines;
        }
    }
}
