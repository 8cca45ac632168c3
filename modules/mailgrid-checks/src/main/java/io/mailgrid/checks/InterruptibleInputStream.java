package io.mailgrid.checks;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Stops reading once the thread is interrupted: the reservation deadline interrupts a check
 * that runs too long, and a check that only reads from memory would otherwise never notice.
 */
final class InterruptibleInputStream extends FilterInputStream {

    InterruptibleInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        checkInterrupt();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkInterrupt();
        return super.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        checkInterrupt();
        return super.skip(n);
    }

    static void checkInterrupt() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("check interrupted (reservation deadline)");
        }
    }
}
