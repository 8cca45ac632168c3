package io.mailgrid.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection to clamd speaking its socket protocol ({@code man clamd}, COMMANDS): NUL-terminated
 * commands ({@code zINSTREAM\0}), the mail as length-prefixed chunks ending with a zero-length one,
 * a NUL-terminated reply. In a session ({@code zIDSESSION\0}) many commands share the connection
 * and each reply starts with its request number, which is checked: a reply that belongs to another
 * request (left over from a scan that timed out) can never be taken for this one.
 *
 * <p>Not thread-safe: one scan at a time. Blocking I/O; the caller bounds it by closing the channel
 * at a deadline ({@link ClamdClient}).
 */
final class ClamdConnection implements AutoCloseable {

    /** Bytes per INSTREAM chunk; clamd refuses a single chunk over its StreamMaxLength. */
    static final int CHUNK = 64 * 1024;
    /** Longest reply read; clamd's replies are a line. */
    private static final int MAX_REPLY = 4096;

    private final SocketChannel channel;
    private final boolean session;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_REPLY);
    private int requests;
    private boolean replyStarted;
    private long lastUsedNanos = System.nanoTime();

    /**
     * @param channel a connected channel
     * @param session true to start an IDSESSION (many scans on this connection), false for one command
     */
    ClamdConnection(SocketChannel channel, boolean session) throws IOException {
        this.channel = channel;
        this.session = session;
        in.flip(); // empty, ready for reading
        if (session) {
            writeFully(new ByteBuffer[] {ascii("zIDSESSION\0")});
        }
    }

    /** Scans the mail: INSTREAM with the bytes in chunks. */
    ClamdReply instream(byte[] mail) throws IOException {
        replyStarted = false;
        int id = ++requests;
        List<ByteBuffer> out = new ArrayList<>(3 + 2 * (mail.length / CHUNK + 1));
        out.add(ascii("zINSTREAM\0"));
        for (int offset = 0; offset < mail.length; offset += CHUNK) {
            int length = Math.min(CHUNK, mail.length - offset);
            out.add(ByteBuffer.allocate(4).putInt(0, length));
            out.add(ByteBuffer.wrap(mail, offset, length));
        }
        out.add(ByteBuffer.allocate(4).putInt(0, 0));
        try {
            writeFully(out.toArray(ByteBuffer[]::new));
        } catch (IOException writeFailed) {
            // clamd stops reading a stream over its StreamMaxLength, says why, and closes: read its reason
            try {
                return ClamdReply.parse(readReply(id));
            } catch (IOException noReason) {
                throw writeFailed;
            }
        }
        return ClamdReply.parse(readReply(id));
    }

    /** Sends a command without data ({@code PING}, {@code VERSION}) and returns the reply. */
    String command(String name) throws IOException {
        replyStarted = false;
        int id = ++requests;
        writeFully(new ByteBuffer[] {ascii("z" + name + "\0")});
        return readReply(id);
    }

    /** Whether any byte of the last reply arrived (a pooled connection that fails before is just stale). */
    boolean replyStarted() {
        return replyStarted;
    }

    /** Whether this connection can take another command (a session that got a clean answer). */
    boolean inSession() {
        return session && channel.isOpen();
    }

    /** Nanos (System.nanoTime) when the last reply was read. */
    long lastUsedNanos() {
        return lastUsedNanos;
    }

    SocketChannel channel() {
        return channel;
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining()) {
            channel.write(buffers);
        }
    }

    /** Reads up to the NUL terminator; in a session checks and strips the "N: " request number. */
    private String readReply(int id) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream(64);
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == 0) {
                    lastUsedNanos = System.nanoTime();
                    return withoutRequestNumber(reply.toString(StandardCharsets.ISO_8859_1), id);
                }
                if (reply.size() >= MAX_REPLY) {
                    throw new IOException("clamd's reply is longer than " + MAX_REPLY + " bytes");
                }
                reply.write(b);
            }
            in.clear();
            int read = channel.read(in);
            in.flip();
            if (read < 0) {
                throw new IOException(reply.size() == 0 ? "clamd closed the connection without an answer"
                        : "clamd closed the connection in the middle of its answer");
            }
            replyStarted |= read > 0;
        }
    }

    private String withoutRequestNumber(String reply, int id) throws IOException {
        if (!session) {
            return reply;
        }
        String prefix = id + ": ";
        if (reply.startsWith(prefix)) {
            return reply.substring(prefix.length());
        }
        // not ours: a protocol error on this connection (clamd refused the session, or replies got out of step)
        close();
        throw new IOException("clamd answered request " + id + " with '" + ClamdReply.printable(reply) + "'");
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket has nothing left to report
        }
    }
}
