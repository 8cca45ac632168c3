package io.mailgrid.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailgrid.core.ControlCharacters;

/**
 * One SMTP client connection to the relay, driven command by command so that every recipient's
 * reply is seen. Angus Mail's transport does the protocol work (greeting, EHLO/HELO, extensions,
 * timeouts, dot-stuffing and CRLF line endings in DATA); the mail bytes are written as they are,
 * never parsed or re-encoded as a MIME message. The connection runs on a socket of its own, so a
 * delivery that must not finish can cut it before the final dot ({@link #abort()}).
 */
final class RelayConnection extends SMTPTransport {

    /**
     * One reply of the relay.
     *
     * @param code the reply code, -1 when the connection ended without one
     * @param text the reply text as the relay sent it, lines joined
     */
    record Reply(int code, String text) {

        /** Most characters of a reply's text that reach a log line. */
        static final int LOG_LIMIT = 200;

        boolean positive() {
            return code >= 200 && code < 400;
        }

        boolean permanent() {
            return code >= 500 && code < 600;
        }

        @Override
        public String toString() {
            return text.isBlank() ? "no reply (connection closed)" : text.strip().replace('\n', ' ').replace("\r", "");
        }

        /**
         * The reply for a log line: it is remote input, so its lines are joined into one, cut after
         * {@value #LOG_LIMIT} characters and its control characters escaped: a relay cannot forge a
         * log line or colour the terminal of whoever reads the log.
         */
        String printable() {
            String line = toString();
            return ControlCharacters.escape(line.length() > LOG_LIMIT ? line.substring(0, LOG_LIMIT) + "..." : line);
        }
    }

    private Socket socket;
    private long answeredAfterFenceNanos = -1;

    RelayConnection(Session session, URLName relay) {
        super(session, relay);
    }

    /** Connects (Nagle off, see {@link NoDelaySocketFactory}) and greets the relay. */
    void open(String host, int port, Duration timeout) throws IOException, MessagingException {
        Socket connected = NoDelaySocketFactory.getDefault().createSocket();
        try {
            connected.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            connected.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            connected.close();
            throw e;
        }
        socket = connected;
        connect(connected);
    }

    /** Sends one command and returns the relay's reply. */
    synchronized Reply command(String command) throws MessagingException {
        int code = simpleCommand(command);
        return new Reply(code, lastResponse());
    }

    /**
     * DATA, the stamp and the mail bytes, then the fence, then the final dot. Returns the reply to
     * DATA if it was not 354, else the reply to the final dot. If the fence stops the delivery, the
     * connection is cut without the dot: the relay discards the unfinished mail (RFC 5321 4.1.1.4).
     */
    synchronized Reply data(byte[] stamp, byte[] mail, DeliveryFence fence)
            throws MessagingException, IOException, FencedException {
        OutputStream out;
        try {
            out = data();
        } catch (SMTPSendFailedException e) {
            return new Reply(e.getReturnCode(), lastResponse());
        }
        out.write(stamp);
        out.write(mail);
        out.flush(); // a slow relay holds us here, not after the check
        try {
            fence.check("the end of DATA");
        } catch (FencedException e) {
            abort();
            throw e;
        }
        long checked = System.nanoTime();
        try {
            finishData();
        } catch (SMTPSendFailedException e) {
            return new Reply(e.getReturnCode(), lastResponse());
        } finally {
            answeredAfterFenceNanos = System.nanoTime() - checked;
        }
        return new Reply(getLastReturnCode(), lastResponse());
    }

    /**
     * How long the relay took to answer the final dot after the last fence check: the part of the
     * window in which a pause can still yield a duplicate (docs/adr/0017); -1 before DATA ended.
     */
    long answeredAfterFenceNanos() {
        return answeredAfterFenceNanos;
    }

    /** Cuts the connection at once: no QUIT, no end of DATA. */
    void abort() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    private String lastResponse() {
        String text = getLastServerResponse();
        return text == null ? "" : text;
    }
}
