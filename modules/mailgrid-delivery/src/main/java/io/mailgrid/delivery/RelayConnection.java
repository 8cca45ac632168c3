package io.mailgrid.delivery;

import java.io.IOException;
import java.io.OutputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP client connection to the relay, driven command by command so that every recipient's
 * reply is seen. Angus Mail's transport does the protocol work (greeting, EHLO/HELO, extensions,
 * timeouts, dot-stuffing and CRLF line endings in DATA); the mail bytes are written as they are,
 * never parsed or re-encoded as a MIME message.
 */
final class RelayConnection extends SMTPTransport {

    /**
     * One reply of the relay.
     *
     * @param code the reply code, -1 when the connection ended without one
     * @param text the reply text as the relay sent it, lines joined
     */
    record Reply(int code, String text) {

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
    }

    RelayConnection(Session session, URLName relay) {
        super(session, relay);
    }

    /** Sends one command and returns the relay's reply. */
    synchronized Reply command(String command) throws MessagingException {
        int code = simpleCommand(command);
        return new Reply(code, lastResponse());
    }

    /**
     * DATA, the stamp and the mail bytes, the final dot. Returns the reply to DATA if it was not
     * 354, else the reply to the final dot.
     */
    synchronized Reply data(byte[] stamp, byte[] mail) throws MessagingException, IOException {
        OutputStream out;
        try {
            out = data();
        } catch (SMTPSendFailedException e) {
            return new Reply(e.getReturnCode(), lastResponse());
        }
        out.write(stamp);
        out.write(mail);
        try {
            finishData();
        } catch (SMTPSendFailedException e) {
            return new Reply(e.getReturnCode(), lastResponse());
        }
        return new Reply(getLastReturnCode(), lastResponse());
    }

    private String lastResponse() {
        String text = getLastServerResponse();
        return text == null ? "" : text;
    }
}
