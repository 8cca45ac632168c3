package io.mailgrid.checks;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read and fails once more than a limit has been read: reading stops there. */
final class LimitedInputStream extends FilterInputStream {

    /** Thrown by a {@link LimitedInputStream} past its limit. */
    static final class LimitExceededException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient LimitedInputStream source;

        LimitExceededException(LimitedInputStream source) {
            super("more than " + Sizes.format(source.limit) + " read");
            this.source = source;
        }

        /** Whether this exception came from that stream (several limits may be stacked). */
        boolean from(LimitedInputStream stream) {
            return source == stream;
        }
    }

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            counted(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void counted(long n) throws LimitExceededException {
        count += n;
        if (count > limit) {
            throw new LimitExceededException(this);
        }
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }
}
