package io.mailgrid.checks;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What reading one mail's archives may cost, all its parts and nesting levels together: bytes
 * unpacked, entries read, and bytes held in memory to look into archives. One budget per mail, so
 * a mail of many small archive bombs costs no more than one big one.
 *
 * <p>Bytes unpacked and entries read end the reading when they run out ({@link Exceeded}); memory
 * is asked for with {@link #tryHold}, and an archive that does not fit is not opened (the caller
 * says why). Not thread-safe: one check on one mail.
 */
final class UnpackBudget {

    /** Which limit of the budget ran out. */
    enum Limit { BYTES, ENTRIES }

    /** The mail's archives need more than the budget; reading stops. */
    static final class Exceeded extends IOException {
        private static final long serialVersionUID = 1L;
        private final Limit limit;
        private String where;

        Exceeded(Limit limit) {
            super("unpack budget exceeded: " + limit);
            this.limit = limit;
        }

        Limit limit() {
            return limit;
        }

        /** The archive being read when the budget ran out; the innermost one is kept. */
        void stoppedIn(String label) {
            if (where == null) {
                where = label;
            }
        }

        String where() {
            return where;
        }
    }

    private final long maxBytes;
    private final int maxEntries;
    private final long memory;
    private long unpacked;
    private int entries;
    private long held;

    /**
     * @param maxBytes   bytes all archives of the mail may unpack to
     * @param maxEntries entries all archives of the mail may have
     * @param memory     bytes that may be held at once to look into archives
     */
    UnpackBudget(long maxBytes, int maxEntries, long memory) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.memory = memory;
    }

    long maxBytes() {
        return maxBytes;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** Bytes of memory the mail's archives may hold at once. */
    long memory() {
        return memory;
    }

    /** Entries the mail may still read. */
    int entriesLeft() {
        return maxEntries - entries;
    }

    /** Counts one archive entry. */
    void entry() throws Exceeded {
        if (++entries > maxEntries) {
            throw new Exceeded(Limit.ENTRIES);
        }
    }

    /** Counts {@code n} bytes unpacked. */
    void unpacked(long n) throws Exceeded {
        unpacked += n;
        if (unpacked > maxBytes) {
            throw new Exceeded(Limit.BYTES);
        }
    }

    /** Reserves {@code n} bytes of memory; false (and nothing reserved) when they do not fit. */
    boolean tryHold(long n) {
        if (held + n > memory) {
            return false;
        }
        held += n;
        return true;
    }

    /** Gives back memory reserved with {@link #tryHold}. */
    void release(long n) {
        held -= n;
    }

    /** Bytes of memory held right now. */
    long held() {
        return held;
    }

    /** A stream whose bytes count as unpacked, and that stops when the thread is interrupted. */
    InputStream counting(InputStream in) {
        return new FilterInputStream(new InterruptibleInputStream(in)) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    unpacked(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    unpacked(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // skipping unpacks too: count what was skipped
                long skipped = super.skip(n);
                if (skipped > 0) {
                    unpacked(skipped);
                }
                return skipped;
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
