package io.mailgrid.ingress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;

/** The bytes of a mail as the publisher reads them: from the start, as often as a retried publish needs. */
public interface MailBody {

    /** Number of bytes. */
    long length();

    /** A new stream over the bytes, from the first. */
    InputStream open();

    /**
     * {@code head}, then {@code rest} from byte {@code skip} on: a mail whose header block was
     * rewritten, without copying its body.
     */
    static MailBody spliced(byte[] head, MailBody rest, long skip) {
        return new MailBody() {
            @Override
            public long length() {
                return head.length + rest.length() - skip;
            }

            @Override
            public InputStream open() {
                InputStream tail = rest.open();
                try {
                    tail.skipNBytes(skip);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new SequenceInputStream(new ByteArrayInputStream(head), tail);
            }
        };
    }

    /** A body held in one array. */
    static MailBody of(byte[] bytes) {
        return new MailBody() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }
}
