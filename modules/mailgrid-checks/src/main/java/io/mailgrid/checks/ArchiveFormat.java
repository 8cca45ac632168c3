package io.mailgrid.checks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The container formats the attachment policy recognises by content, whatever a file is called:
 * a zip is found as extractors find it, by its end-of-central-directory record near the end (so a
 * self-extracting stub or junk in front does not hide it), not only by a local header at offset 0.
 */
enum ArchiveFormat {
    /** Zip, and everything built on it (jar, docx, apk), also behind a prefix. */
    ZIP(false),
    /** tar, POSIX or old-style (recognised by its header checksum). */
    TAR(true),
    /** One gzipped file, or a gzipped tar. */
    GZIP(true),
    /** One bzip2-compressed file, or a .tar.bz2. */
    BZIP2(true),
    /** Microsoft's Transport Neutral Encapsulation Format: winmail.dat, application/ms-tnef. */
    TNEF(false),
    /** 7z: recognised, not read. */
    SEVEN_Z(false),
    /** RAR 4 and 5: recognised, not read. */
    RAR(false),
    /** Not a container. */
    NONE(false);

    static final int LOCAL_HEADER = 0x04034b50;
    static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final byte[] LOCAL = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ZIP = {'P', 'K', 5, 6};
    private static final byte[] SPANNED = {'P', 'K', '0', '0', 'P', 'K', 3, 4};
    private static final byte[] RAR_SIGNATURE = "Rar!\u001a\u0007".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] TNEF_SIGNATURE = {0x78, (byte) 0x9F, 0x3E, 0x22};

    private final boolean streaming;

    ArchiveFormat(boolean streaming) {
        this.streaming = streaming;
    }

    /** Whether the format is read front to back (no random access needed). */
    boolean streaming() {
        return streaming;
    }

    /** The format of content held in memory. */
    static ArchiveFormat of(Slice content) {
        ArchiveFormat byHead = of(content.head(Spooled.HEAD), Math.min(content.length(), Spooled.HEAD));
        if (byHead != NONE) {
            return byHead;
        }
        return ZipDirectory.find(content) != null ? ZIP : NONE;
    }

    /** The format judged from the first bytes and the last bytes of content that was not held. */
    static ArchiveFormat of(byte[] head, byte[] tail) {
        ArchiveFormat byHead = of(head, head.length);
        if (byHead != NONE) {
            return byHead;
        }
        return ZipDirectory.find(Slice.of(tail)) != null ? ZIP : NONE;
    }

    /** The format judged from the first {@code n} bytes only. */
    static ArchiveFormat of(byte[] head, int n) {
        if (startsWith(head, n, LOCAL) || startsWith(head, n, EMPTY_ZIP) || startsWith(head, n, SPANNED)) {
            return ZIP;
        }
        if (startsWith(head, n, TNEF_SIGNATURE)) {
            return TNEF;
        }
        if (GzipCompressorInputStream.matches(head, n)) {
            return GZIP;
        }
        if (BZip2CompressorInputStream.matches(head, n)) {
            return BZIP2;
        }
        if (SevenZFile.matches(head, n)) {
            return SEVEN_Z;
        }
        if (startsWith(head, n, RAR_SIGNATURE)) {
            return RAR;
        }
        if (n >= 512 && (TarArchiveInputStream.matches(head, n) || oldStyleTar(head))) {
            return TAR;
        }
        return NONE;
    }

    /** A tar header without the ustar magic (V7, and GNU tar can write it): a name and a valid checksum. */
    private static boolean oldStyleTar(byte[] head) {
        byte[] block = Arrays.copyOf(head, 512);
        try {
            return block[0] != 0 && (block[156] == 0 || block[156] >= '0' && block[156] <= '7') && TarUtils.verifyCheckSum(block);
        } catch (IllegalArgumentException e) {
            // found by fuzzing: Commons Compress throws on a checksum field that is no octal number
            return false;
        }
    }

    private static boolean startsWith(byte[] head, int n, byte[] signature) {
        return n >= signature.length && Arrays.equals(head, 0, signature.length, signature, 0, signature.length);
    }
}
