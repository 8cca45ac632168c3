package io.mailgrid.checks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Looks one level into an attachment that is an archive, as a stream (Apache Commons Compress):
 * zip (and jar, docx, ...), tar and gzip (a gzipped tar, or one gzipped file). The format is
 * recognised by its content, not by the attachment's name.
 *
 * <p>Every entry name is checked against the blocked names; entries are unpacked only to count
 * their bytes, never kept or written to disk. Reading stops at {@code maxEntries} entries or
 * {@code maxBytes} unpacked bytes, so an archive that expands without bound costs at most that
 * much reading. Archives inside the archive are checked by name only.
 */
final class ArchiveInspector {

    /** What was found in an archive. */
    record Finding(Kind kind, String reason) {
        enum Kind {
            /** An entry is not allowed. */
            BLOCKED,
            /** The archive cannot be looked into (encrypted, broken, over the limits, unknown format). */
            UNREADABLE
        }
    }

    private static final int SNIFF = 512;
    private static final byte[] RAR = "Rar!\u001a\u0007".getBytes(StandardCharsets.ISO_8859_1);

    private final BlockedNames blocked;
    private final int maxEntries;
    private final long maxBytes;

    ArchiveInspector(BlockedNames blocked, int maxEntries, long maxBytes) {
        this.blocked = blocked;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Inspects the content if it is an archive.
     *
     * @param label    how the attachment is named in reasons
     * @param fileName the attachment's file name, or null
     * @param content the decoded attachment; must support mark/reset
     * @return what was found, or null for a harmless archive or content that is no archive
     * @throws IOException only when reading the content itself failed (limits of the caller's
     *                     stream, interruption); an unreadable archive is a {@link Finding}
     */
    Finding inspect(String label, String fileName, BufferedInputStream content) throws IOException {
        byte[] head = peek(content);
        int n = head.length;
        if (ZipArchiveInputStream.matches(head, n)) {
            return zip(label, content);
        }
        if (n >= SNIFF && TarArchiveInputStream.matches(head, n)) {
            return entries(label, "tar", new TarArchiveInputStream(CloseShieldInputStream.wrap(content)));
        }
        if (GzipCompressorInputStream.matches(head, n)) {
            return gzip(label, fileName, content);
        }
        if (SevenZFile.matches(head, n)) {
            return unreadable(label + " is a 7z archive, which Mailgrid cannot look into");
        }
        if (n >= RAR.length && Arrays.equals(head, 0, RAR.length, RAR, 0, RAR.length)) {
            return unreadable(label + " is a rar archive, which Mailgrid cannot look into");
        }
        return null;
    }

    private Finding zip(String label, InputStream content) throws IOException {
        // local headers only: no random access to the central directory in a stream; stored entries
        // with a data descriptor would need the whole entry in memory, so they count as unreadable
        ZipArchiveInputStream zip = new ZipArchiveInputStream(CloseShieldInputStream.wrap(content),
                StandardCharsets.UTF_8.name(), true, false);
        return entries(label, "zip", zip);
    }

    private Finding gzip(String label, String fileName, BufferedInputStream content) throws IOException {
        GzipCompressorInputStream gzip;
        try {
            gzip = GzipCompressorInputStream.builder().setInputStream(CloseShieldInputStream.wrap(content)).get();
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (e instanceof LimitedInputStream.LimitExceededException) {
                throw e;
            }
            return unreadable(label + " cannot be read as gzip: " + e.getMessage());
        }
        try (gzip) {
            LimitedInputStream unpacked = new LimitedInputStream(gzip, maxBytes);
            BufferedInputStream inner = new BufferedInputStream(unpacked, 8192);
            try {
                byte[] head = peek(inner);
                if (head.length >= SNIFF && TarArchiveInputStream.matches(head, head.length)) {
                    return entries(label, "tar", new TarArchiveInputStream(CloseShieldInputStream.wrap(inner)));
                }
                String innerName = gzip.getMetaData().getFileName();
                if ((innerName == null || innerName.isBlank()) && fileName != null) {
                    innerName = fileName.replaceAll("(?i)\\.gz$", "");
                }
                String why = innerName == null ? null : blocked.whyEntryBlocked(innerName);
                if (why != null) {
                    return new Finding(Finding.Kind.BLOCKED, label + " contains '" + innerName + "' that " + why);
                }
                inner.transferTo(OutputStream.nullOutputStream());
                return null;
            } catch (LimitedInputStream.LimitExceededException e) {
                if (e.from(unpacked)) {
                    return unreadable(label + " unpacks to more than " + Sizes.format(maxBytes));
                }
                throw e;
            }
        } catch (InterruptedIOException | LimitedInputStream.LimitExceededException e) {
            throw e;
        } catch (IOException e) {
            return unreadable(label + " cannot be read as gzip: " + e.getMessage());
        }
    }

    private Finding entries(String label, String format, ArchiveInputStream<? extends ArchiveEntry> archive)
            throws IOException {
        int count = 0;
        long unpacked = 0;
        byte[] buffer = new byte[8192];
        try (archive) {
            ArchiveEntry entry;
            while ((entry = archive.getNextEntry()) != null) {
                if (++count > maxEntries) {
                    return unreadable(label + " has more than " + maxEntries + " entries");
                }
                String why = blocked.whyEntryBlocked(entry.getName());
                if (why != null) {
                    return new Finding(Finding.Kind.BLOCKED, label + " contains '" + entry.getName() + "' that " + why);
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (!archive.canReadEntryData(entry)) {
                    if (entry instanceof ZipArchiveEntry zipEntry && zipEntry.getGeneralPurposeBit().usesEncryption()) {
                        return unreadable(label + " is encrypted");
                    }
                    return unreadable(label + " uses a " + format + " feature Mailgrid cannot read ('" + entry.getName() + "')");
                }
                int n;
                while ((n = archive.read(buffer)) > 0) {
                    unpacked += n;
                    if (unpacked > maxBytes) {
                        return unreadable(label + " unpacks to more than " + Sizes.format(maxBytes));
                    }
                }
            }
            return null;
        } catch (InterruptedIOException | LimitedInputStream.LimitExceededException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // commons-compress reports some corrupt archives with runtime exceptions
            return unreadable(label + " cannot be read as " + format + ": " + e.getMessage());
        }
    }

    private static Finding unreadable(String reason) {
        return new Finding(Finding.Kind.UNREADABLE, reason);
    }

    private static byte[] peek(BufferedInputStream in) throws IOException {
        in.mark(SNIFF);
        byte[] head = in.readNBytes(SNIFF);
        in.reset();
        return head;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "archives: at most %d entries, %s unpacked", maxEntries, Sizes.format(maxBytes));
    }
}
