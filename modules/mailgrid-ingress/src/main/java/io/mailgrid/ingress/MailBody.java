package io.mailgrid.ingress;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** The bytes of a mail as the publisher reads them: from the start, as often as a retried publish needs. */
public interface MailBody {

    /** Number of bytes. */
    long length();

    /** A new stream over the bytes, from the first. */
    InputStream open();

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
