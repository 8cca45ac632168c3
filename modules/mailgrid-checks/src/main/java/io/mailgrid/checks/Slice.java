package io.mailgrid.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * A range of a byte array, read without copying: a decoded attachment, or a stored entry inside
 * an archive that is itself in memory. Archives are opened from a slice with random access (a zip
 * is found from its end), so no entry is ever copied to be looked into.
 */
final class Slice {

    private final byte[] array;
    private final int offset;
    private final int length;

    Slice(byte[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    static Slice of(byte[] array) {
        return new Slice(array, 0, array.length);
    }

    int length() {
        return length;
    }

    /** The byte at {@code index} of the slice, 0-255. */
    int at(int index) {
        Objects.checkIndex(index, length);
        return array[offset + index] & 0xFF;
    }

    /** A part of this slice. */
    Slice slice(long from, long size) {
        Objects.checkFromIndexSize(from, size, length);
        return new Slice(array, offset + (int) from, (int) size);
    }

    /** The first {@code n} bytes (fewer if the slice is shorter), copied. */
    byte[] head(int n) {
        return Arrays.copyOfRange(array, offset, offset + Math.min(n, length));
    }

    /** The last {@code n} bytes (fewer if the slice is shorter), copied. */
    byte[] tail(int n) {
        return Arrays.copyOfRange(array, offset + length - Math.min(n, length), offset + length);
    }

    InputStream stream() {
        return new ByteArrayInputStream(array, offset, length);
    }

    /** Whether {@code expected} occurs at {@code index}. */
    boolean startsWith(byte[] expected, int index) {
        return index >= 0 && index + expected.length <= length
                && Arrays.equals(array, offset + index, offset + index + expected.length, expected, 0, expected.length);
    }

    /** Little-endian unsigned 16-bit value at {@code index}. */
    int u16(long index) {
        return at((int) index) | at((int) index + 1) << 8;
    }

    /** Little-endian unsigned 32-bit value at {@code index}. */
    long u32(long index) {
        return (long) u16(index) | (long) u16(index + 2) << 16;
    }

    /** Little-endian 64-bit value at {@code index}. */
    long u64(long index) {
        return u32(index) | u32(index + 4) << 32;
    }

    /** Read-only random access for readers that want a channel (commons-compress ZipFile). */
    SeekableByteChannel channel() {
        return new SeekableByteChannel() {
            private long position;
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                ensureOpen();
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), length - position);
                dst.put(array, offset + (int) position, n);
                position += n;
                return n;
            }

            @Override
            public int write(ByteBuffer src) {
                throw new NonWritableChannelException();
            }

            @Override
            public long position() throws IOException {
                ensureOpen();
                return position;
            }

            @Override
            public SeekableByteChannel position(long newPosition) throws IOException {
                ensureOpen();
                if (newPosition < 0) {
                    throw new IOException("negative position " + newPosition);
                }
                position = newPosition;
                return this;
            }

            @Override
            public long size() throws IOException {
                ensureOpen();
                return length;
            }

            @Override
            public SeekableByteChannel truncate(long size) {
                throw new NonWritableChannelException();
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }

            private void ensureOpen() throws ClosedChannelException {
                if (!open) {
                    throw new ClosedChannelException();
                }
            }
        };
    }
}
