package io.mailgrid.checks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Looks into an attachment that is an archive, and into the archives inside it, as extractors
 * would open them: zip (also behind a prefix, see {@link ZipDirectory}), tar, gzip, bzip2 and TNEF
 * (winmail.dat), each recognised by its content ({@link ArchiveFormat}), never by a name.
 *
 * <p>Every entry name is checked against the blocked names; every entry's content is looked at
 * again, so an archive inside an archive is opened too, down to {@code maxDepth} archives. All the
 * reading of one mail draws on one {@link UnpackBudget}: bytes unpacked and entries read end the
 * reading when they run out, whatever part or level they are in, and an archive that would need
 * more memory than the budget allows is not opened. Nothing is written to disk.
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

    private final BlockedNames blocked;
    private final int maxDepth;

    /**
     * @param blocked  names that are not allowed
     * @param maxDepth how many archives deep to look (1 = only the attachment itself)
     */
    ArchiveInspector(BlockedNames blocked, int maxDepth) {
        this.blocked = blocked;
        this.maxDepth = maxDepth;
    }

    /**
     * Looks into the content if it is an archive.
     *
     * @param label   how the content is named in reasons ("'x.zip'", "'x.zip' > 'y.zip'")
     * @param name    its file name, or null
     * @param content the content, held or streamed
     * @param level   how many archives it is inside (0 for a MIME part)
     * @return what was found, or null for content that is no archive or a harmless one
     * @throws IOException only when reading itself must stop: the budget ran out ({@link UnpackBudget.Exceeded}),
     *                     the thread was interrupted, or the caller's stream failed
     */
    Finding inspect(String label, String name, Spooled content, int level, UnpackBudget budget) throws IOException {
        ArchiveFormat format = content.format();
        if (format == ArchiveFormat.NONE) {
            return null;
        }
        if (level >= maxDepth) {
            return unreadable(label + " is an archive nested more than " + maxDepth + " deep");
        }
        Spooled again = format == ArchiveFormat.ZIP || format == ArchiveFormat.TNEF ? content.reread() : null;
        Slice held = again != null ? again.content() : content.content();
        try {
            return switch (format) {
                case ZIP -> held == null ? tooLarge(label, "zip", budget) : zip(label, held, level + 1, budget);
                case TNEF -> held == null ? tooLarge(label, "TNEF", budget) : tnef(label, held, level + 1, budget);
                case TAR -> tar(label, stream(content), level + 1, budget);
                case GZIP, BZIP2 -> compressed(label, name, format, stream(content), level + 1, budget);
                case SEVEN_Z -> unreadable(label + " is a 7z archive, which Mailgrid cannot look into");
                case RAR -> unreadable(label + " is a rar archive, which Mailgrid cannot look into");
                case NONE -> null;
            };
        } catch (UnpackBudget.Exceeded e) {
            e.stoppedIn(label);
            throw e;
        } finally {
            if (again != null) {
                again.close();
            }
        }
    }

    private static InputStream stream(Spooled content) {
        return content.content() != null ? content.content().stream() : content.rest();
    }

    private Finding zip(String label, Slice content, int level, UnpackBudget budget) throws IOException {
        ZipDirectory.Location where = ZipDirectory.find(content);
        if (where == null) {
            return unreadable(label + " cannot be read as zip: no central directory");
        }
        if (where.headers() > budget.entriesLeft()) {
            throw new UnpackBudget.Exceeded(UnpackBudget.Limit.ENTRIES);
        }
        // Commons Compress keeps the whole directory as objects: reserve for it before it reads it
        long directoryMemory = 4 * where.size();
        if (!budget.tryHold(directoryMemory)) {
            return tooLarge(label, "zip", budget);
        }
        try (ZipDirectory zip = ZipDirectory.open(content, where)) {
            String disagreement = zip.disagreement();
            if (disagreement != null) {
                return new Finding(Finding.Kind.BLOCKED, label + " " + disagreement);
            }
            for (ZipDirectory.Entry entry : zip.entries()) {
                Finding found = entry(label, entry.names(), budget);
                if (found != null) {
                    return found;
                }
                if (entry.entry().isDirectory()) {
                    continue;
                }
                if (!zip.canRead(entry)) {
                    if (entry.entry().getGeneralPurposeBit().usesEncryption()) {
                        return unreadable(label + " is encrypted");
                    }
                    return unreadable(label + " uses a zip feature Mailgrid cannot read ('" + entry.name() + "')");
                }
                Spooled data;
                if (zip.stored(entry)) {
                    Slice stored = zip.storedData(entry);
                    budget.unpacked(stored.length());
                    data = Spooled.of(stored, budget);
                } else {
                    // read through once; read again into memory only if it turns out to be a zip itself
                    data = Spooled.read(budget.counting(zip.data(entry)), budget, entry.entry().getSize(),
                            () -> Spooled.hold(new InterruptibleInputStream(zip.data(entry)), budget, entry.entry().getSize()));
                }
                try (data) {
                    found = inspect(label + " > '" + entry.name() + "'", entry.name(), data, level, budget);
                }
                if (found != null) {
                    return found;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            rethrowIfReadingMustStop(e);
            // Commons Compress reports some corrupt archives with runtime exceptions
            return unreadable(label + " cannot be read as zip: " + e.getMessage());
        } finally {
            budget.release(directoryMemory);
        }
    }

    private Finding tar(String label, InputStream in, int level, UnpackBudget budget) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(CloseShieldInputStream.wrap(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                boolean directory = entry.isDirectory() || !entry.isFile();
                Finding found = entry(label, Set.of(entry.getName()), budget);
                if (found != null) {
                    return found;
                }
                if (directory) {
                    continue;
                }
                try (Spooled data = Spooled.read(budget.counting(CloseShieldInputStream.wrap(tar)), budget, entry.getSize(), null)) {
                    found = inspect(label + " > '" + entry.getName() + "'", entry.getName(), data, level, budget);
                }
                if (found != null) {
                    return found;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            rethrowIfReadingMustStop(e);
            return unreadable(label + " cannot be read as tar: " + e.getMessage());
        }
    }

    private Finding compressed(String label, String name, ArchiveFormat format, InputStream in, int level,
            UnpackBudget budget) throws IOException {
        String kind = format.name().toLowerCase(Locale.ROOT);
        CompressorInputStream decompressed;
        try {
            // concatenated members are read as one file, as gunzip and bunzip2 do
            decompressed = format == ArchiveFormat.GZIP
                    ? GzipCompressorInputStream.builder().setInputStream(CloseShieldInputStream.wrap(in))
                            .setDecompressConcatenated(true).get()
                    : new BZip2CompressorInputStream(CloseShieldInputStream.wrap(in), true);
        } catch (IOException | RuntimeException e) {
            rethrowIfReadingMustStop(e);
            return unreadable(label + " cannot be read as " + kind + ": " + e.getMessage());
        }
        try (decompressed) {
            BufferedInputStream inner = new BufferedInputStream(new InterruptibleInputStream(decompressed), 8192);
            inner.mark(Spooled.HEAD);
            byte[] head = inner.readNBytes(Spooled.HEAD);
            inner.reset();
            if (ArchiveFormat.of(head, head.length) == ArchiveFormat.TAR) {
                // a .tar.gz is one archive: its entries count, not the tar around them
                return tar(label, inner, level, budget);
            }
            String innerName = innerName(name, format, decompressed);
            Finding found = innerName == null ? null : entry(label, Set.of(innerName), budget);
            if (found != null) {
                return found;
            }
            try (Spooled data = Spooled.read(budget.counting(inner), budget, -1, null)) {
                return inspect(innerName == null ? label : label + " > '" + innerName + "'", innerName, data, level, budget);
            }
        } catch (IOException | RuntimeException e) {
            rethrowIfReadingMustStop(e);
            return unreadable(label + " cannot be read as " + kind + ": " + e.getMessage());
        }
    }

    /** The name of a compressed file's content: the one gzip recorded, else the file's name without its suffix. */
    private static String innerName(String name, ArchiveFormat format, CompressorInputStream decompressed) {
        if (decompressed instanceof GzipCompressorInputStream gzip) {
            String recorded = gzip.getMetaData().getFileName();
            if (recorded != null && !recorded.isBlank()) {
                return recorded;
            }
        }
        if (name == null) {
            return null;
        }
        String stripped = format == ArchiveFormat.GZIP ? name.replaceAll("(?i)\\.t?gz$", "") : name.replaceAll("(?i)\\.t?bz2?$", "");
        return stripped.equals(name) || stripped.isBlank() ? null : stripped;
    }

    private Finding tnef(String label, Slice content, int level, UnpackBudget budget) throws IOException {
        List<TnefAttachments.Attachment> attachments;
        try {
            attachments = TnefAttachments.read(content, budget.entriesLeft() + 1);
        } catch (IOException | RuntimeException e) {
            rethrowIfReadingMustStop(e);
            return unreadable(label + " cannot be read as TNEF: " + e.getMessage());
        }
        for (TnefAttachments.Attachment attachment : attachments) {
            List<String> names = new ArrayList<>(attachment.names());
            String name = names.stream().max(Comparator.comparingInt(String::length)).orElse(null);
            Finding found = entry(label, attachment.names(), budget);
            if (found != null) {
                return found;
            }
            if (attachment.data() != null) {
                budget.unpacked(attachment.data().length());
                try (Spooled data = Spooled.of(attachment.data(), budget)) {
                    found = inspect(name == null ? label : label + " > '" + name + "'", name, data, level, budget);
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Counts one entry and checks its names; the longest name is reported, it is the one people see. */
    private Finding entry(String label, Set<String> names, UnpackBudget budget) throws UnpackBudget.Exceeded {
        budget.entry();
        List<String> longestFirst = new ArrayList<>(names);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (String candidate : longestFirst) {
            String why = blocked.whyEntryBlocked(candidate);
            if (why != null) {
                return new Finding(Finding.Kind.BLOCKED, label + " contains '" + candidate + "' that " + why);
            }
        }
        return null;
    }

    private static Finding tooLarge(String label, String format, UnpackBudget budget) {
        return unreadable(label + " is a " + format + " archive too large to look into in memory (more than "
                + Sizes.format(budget.memory() - budget.held()) + " left for this mail)");
    }

    private static Finding unreadable(String reason) {
        return new Finding(Finding.Kind.UNREADABLE, reason);
    }

    /** Failures that end the whole check rather than make one archive unreadable. */
    private static void rethrowIfReadingMustStop(Exception e) throws IOException {
        if (e instanceof InterruptedIOException || e instanceof UnpackBudget.Exceeded
                || e instanceof LimitedInputStream.LimitExceededException) {
            throw (IOException) e;
        }
        if (e instanceof InterruptibleText.Interrupted interrupted) {
            throw interrupted;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "archives %d deep", maxDepth);
    }
}
