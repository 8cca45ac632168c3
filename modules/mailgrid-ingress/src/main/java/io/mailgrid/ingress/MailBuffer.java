package io.mailgrid.ingress;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mailgrid.core.MemoryBudget;

/**
 * The bytes of one mail as they arrive over SMTP, in 64 KiB chunks whose memory is reserved from
 * the node's {@link MemoryBudget} before they are allocated. The mail is held once: it is never
 * grown by copying, and the publisher streams these chunks to the broker. Closing gives the memory
 * back. Used by one thread at a time.
 */
final class MailBuffer implements MailBody, AutoCloseable {

    /** Small enough to be an ordinary heap allocation, large enough that a 10 MiB mail is 160 of them. */
    static final int CHUNK = 64 * 1024;

    private final MemoryBudget.Reservation reservation;
    private final List<byte[]> chunks = new ArrayList<>();
    private int usedInLast = CHUNK;
    private long length;
    private boolean discarded;

    MailBuffer(MemoryBudget budget) {
        this.reservation = budget.tryReserve(0).orElseThrow();
    }

    /**
     * Appends bytes. False when the budget has no room for the next chunk right now: the buffer
     * is then discarded (its memory given back at once) and keeps nothing more.
     */
    boolean write(byte[] bytes, int offset, int count) {
        if (discarded) {
            return false;
        }
        int from = offset;
        int left = count;
        while (left > 0) {
            if (usedInLast == CHUNK) {
                if (!reservation.tryGrow(CHUNK)) {
                    discard();
                    return false;
                }
                chunks.add(new byte[CHUNK]);
                usedInLast = 0;
            }
            int n = Math.min(left, CHUNK - usedInLast);
            System.arraycopy(bytes, from, chunks.get(chunks.size() - 1), usedInLast, n);
            usedInLast += n;
            from += n;
            left -= n;
            length += n;
        }
        return true;
    }

    /** Drops what was kept and gives the memory back; the buffer keeps nothing from now on. */
    void discard() {
        discarded = true;
        chunks.clear();
        length = 0;
        reservation.close();
    }

    /**
     * A copy of the header block: the bytes up to and including the empty line that ends it (all
     * of the mail when there is none), its memory reserved from the budget like the chunks; empty
     * when the budget has no room for it right now.
     */
    Optional<byte[]> headerBlock() {
        long end = headerBlockLength();
        if (end > Integer.MAX_VALUE - 16 || !reservation.tryGrow(end)) {
            return Optional.empty();
        }
        byte[] head = new byte[(int) end];
        int copied = 0;
        for (byte[] chunk : chunks) {
            int n = Math.min(chunk.length, head.length - copied);
            System.arraycopy(chunk, 0, head, copied, n);
            copied += n;
            if (copied == head.length) {
                break;
            }
        }
        return Optional.of(head);
    }

    /** Where the body starts: after the first empty line (LF or CRLF alone), or the length of the mail. */
    long headerBlockLength() {
        long position = 0;
        long lineStart = 0;
        byte previous = 0;
        for (int c = 0; c < chunks.size(); c++) {
            byte[] chunk = chunks.get(c);
            int used = c == chunks.size() - 1 ? usedInLast : CHUNK;
            for (int i = 0; i < used; i++, position++) {
                byte b = chunk[i];
                if (b == '\n') {
                    long content = position - lineStart;
                    if (content == 0 || (content == 1 && previous == '\r')) {
                        return position + 1;
                    }
                    lineStart = position + 1;
                }
                previous = b;
            }
        }
        return length;
    }

    @Override
    public long length() {
        return length;
    }

    /** Bytes of the budget this buffer holds. */
    long reservedBytes() {
        return reservation.bytes();
    }

    @Override
    public InputStream open() {
        return new ChunkStream();
    }

    @Override
    public void close() {
        discard();
    }

    /** Reads the chunks in order, without copying them into one array. */
    private final class ChunkStream extends InputStream {
        private int chunk;
        private int position;
        private long remaining = length;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int count) {
            if (remaining == 0) {
                return -1;
            }
            if (count == 0) {
                return 0;
            }
            if (position == CHUNK) {
                chunk++;
                position = 0;
            }
            int n = (int) Math.min(Math.min(count, CHUNK - position), remaining);
            System.arraycopy(chunks.get(chunk), position, target, offset, n);
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, remaining);
        }
    }
}
