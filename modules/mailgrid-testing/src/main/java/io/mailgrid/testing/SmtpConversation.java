package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bare SMTP conversation over a socket, for tests that send exactly the commands and bytes they
 * mean (malformed commands, over-long lines, a DATA body byte for byte). Replies are read whole
 * (multi-line replies joined with '\n').
 */
public final class SmtpConversation implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String greeting;

    private SmtpConversation(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(60_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.greeting = reply();
    }

    /** Connects to 127.0.0.1:port and reads the greeting. */
    public static SmtpConversation open(int port) {
        try {
            return new SmtpConversation(new Socket("127.0.0.1", port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects to 127.0.0.1:port from another loopback address (any of 127.0.0.0/8 on Linux), so
     * the server sees a different client address, and reads the greeting.
     */
    public static SmtpConversation openFrom(String clientAddress, int port) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(clientAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            return new SmtpConversation(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long a reply may take before {@link #reply()} gives up with "(closed: ...)" (60 s unless set). */
    public SmtpConversation readTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends bytes as they are, without waiting for a reply (a client in the middle of DATA, or a slow one). */
    public void sendRaw(byte[] bytes) {
        write(bytes);
    }

    /** The server's first reply (220 when it will talk to us). */
    public String greeting() {
        return greeting;
    }

    /** Sends one command line (CRLF added) and returns the reply. */
    public String send(String command) {
        write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        return reply();
    }

    /**
     * Sends DATA, then the mail dot-stuffed (it must end in CRLF), then the final dot; returns
     * the reply to DATA if it was not 354, else the reply to the final dot.
     */
    public String data(byte[] mail) {
        String start = send("DATA");
        if (!start.startsWith("354")) {
            return start;
        }
        ByteArrayOutputStream stuffed = new ByteArrayOutputStream(mail.length + 64);
        boolean lineStart = true;
        for (byte b : mail) {
            if (lineStart && b == '.') {
                stuffed.write('.');
            }
            stuffed.write(b);
            lineStart = b == '\n';
        }
        stuffed.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        write(stuffed.toByteArray());
        return reply();
    }

    /** One whole reply; "(closed)" if the server closed the connection instead. */
    public String reply() {
        try {
            StringBuilder text = new StringBuilder();
            while (true) {
                String line = line();
                if (line == null) {
                    return text.length() == 0 ? "(closed)" : text.toString();
                }
                text.append(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return text.toString();
                }
                text.append('\n');
            }
        } catch (IOException e) {
            return "(closed: " + e.getMessage() + ")";
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
