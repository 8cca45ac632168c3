package io.mailgrid.checks;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;

/**
 * A zip held in memory, read the way extractors read it: found from its end-of-central-directory
 * record (also behind a prefix, as self-extracting archives are, and with a trailing comment),
 * its entries listed from the central directory (Apache Commons Compress {@link ZipFile}), and
 * every entry's local header compared with it.
 *
 * <p>Extractors that read the central directory (Python's zipfile, unzip, 7-Zip, Windows) and
 * those that stream the local headers (Java's ZipInputStream, many scanners) must see the same
 * files; {@link #disagreement()} says where they would not: a local header naming another file,
 * or a local entry the central directory does not list.
 */
final class ZipDirectory implements Closeable {

    /**
     * Where the central directory is.
     *
     * @param start   offset of its first header in the content (prefix included)
     * @param size    its size in bytes
     * @param headers central directory headers found there
     */
    record Location(long start, long size, int headers) {
    }

    /**
     * One entry as the central directory lists it.
     *
     * @param entry      as Commons Compress read it
     * @param names      every name extractors may show for it (UTF-8, the Unicode extra field, code page 437)
     * @param dataOffset where its data starts
     * @param dataEnd    where its data (and data descriptor) ends
     */
    record Entry(ZipArchiveEntry entry, Set<String> names, long dataOffset, long dataEnd) {
        String name() {
            return entry.getName();
        }
    }

    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final Charset CP437 = Charset.forName("IBM437");
    private static final Set<Integer> METHODS = Set.of(0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 14, 18, 19, 93, 94, 95, 96, 97, 98, 99);

    private final Slice content;
    private final Location location;
    private final ZipFile zip;
    private final List<Entry> entries;

    private ZipDirectory(Slice content, Location location, ZipFile zip, List<Entry> entries) {
        this.content = content;
        this.location = location;
        this.zip = zip;
        this.entries = entries;
    }

    /** The central directory the end record (the last one, as extractors take it) points to, or null. */
    static Location find(Slice content) {
        int length = content.length();
        for (long p = length - 22L; p >= Math.max(0, length - 22L - MAX_COMMENT); p--) {
            if (content.at((int) p) != 'P' || content.u32(p) != ArchiveFormat.END_OF_CENTRAL_DIRECTORY) {
                continue;
            }
            return locate(content, p);
        }
        return null;
    }

    private static Location locate(Slice content, long end) {
        long size = content.u32(end + 12);
        long offset = content.u32(end + 16);
        long start = end - size;
        if (size == 0xFFFFFFFFL || offset == 0xFFFFFFFFL || content.u16(end + 10) == 0xFFFF) {
            // Zip64: the sizes are in the Zip64 end record just before its locator
            long zip64 = end - 20 - 56;
            if (zip64 < 0 || content.u32(end - 20) != ZIP64_LOCATOR || content.u32(zip64) != ZIP64_END) {
                return null;
            }
            size = content.u64(zip64 + 40);
            start = zip64 - size;
        }
        if (size < 0 || start < 0) {
            return null;
        }
        if (size > 0 && content.u32(start) != CENTRAL_HEADER) {
            return null;
        }
        int headers = 0;
        long p = start;
        while (p + 46 <= start + size && content.u32(p) == CENTRAL_HEADER) {
            headers++;
            p += 46L + content.u16(p + 28) + content.u16(p + 30) + content.u16(p + 32);
        }
        return new Location(start, size, headers);
    }

    /**
     * Reads the central directory and every local header it points to.
     *
     * @throws IOException the zip cannot be read (a broken directory, a local header missing)
     */
    static ZipDirectory open(Slice content, Location location) throws IOException {
        ZipFile zip = ZipFile.builder().setSeekableByteChannel(content.channel()).setCharset(StandardCharsets.UTF_8)
                .setUseUnicodeExtraFields(true).setIgnoreLocalFileHeader(true).get();
        try {
            List<Entry> entries = new ArrayList<>();
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                entries.add(entry(content, entry));
            }
            return new ZipDirectory(content, location, zip, entries);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static Entry entry(Slice content, ZipArchiveEntry entry) throws IOException {
        long header = entry.getLocalHeaderOffset();
        if (header < 0 || header + 30 > content.length() || content.u32(header) != ArchiveFormat.LOCAL_HEADER) {
            throw new IOException("no local header for '" + entry.getName() + "'");
        }
        long dataOffset = header + 30 + content.u16(header + 26) + content.u16(header + 28);
        long dataEnd = dataOffset + Math.max(0, entry.getCompressedSize());
        if (entry.getGeneralPurposeBit().usesDataDescriptor() && dataEnd + 4 <= content.length()) {
            dataEnd += content.u32(dataEnd) == DATA_DESCRIPTOR ? 16 : 12;
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(entry.getName());
        byte[] raw = entry.getRawName();
        names.add(new String(raw, StandardCharsets.UTF_8));
        if (!entry.getGeneralPurposeBit().usesUTF8ForNames()) {
            names.add(new String(raw, CP437));
        }
        return new Entry(entry, names, dataOffset, dataEnd);
    }

    /** The entries in central directory order. */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Where readers of the central directory and readers of the local headers would see different
     * files, as the end of a reason ("names an entry ..."), or null when they agree.
     */
    String disagreement() {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(e -> e.entry().getLocalHeaderOffset()));
        long covered = 0;
        for (Entry e : byOffset) {
            long header = e.entry().getLocalHeaderOffset();
            String hidden = localHeaderIn(covered, header);
            if (hidden != null) {
                return hidden;
            }
            byte[] local = localName(header);
            if (!java.util.Arrays.equals(local, e.entry().getRawName())) {
                return "names an entry '" + e.name() + "' in its central directory and '" + decode(local) + "' in its local header";
            }
            if (header < covered) {
                return "has entries that overlap ('" + e.name() + "')";
            }
            covered = e.dataEnd();
        }
        return localHeaderIn(covered, location.start());
    }

    /** A plausible local header between {@code from} and {@code to}: an entry only streaming readers see. */
    private String localHeaderIn(long from, long to) {
        for (long p = Math.max(0, from); p + 30 <= Math.min(to, content.length()); p++) {
            if (content.at((int) p) != 'P' || content.u32(p) != ArchiveFormat.LOCAL_HEADER) {
                continue;
            }
            int nameLength = content.u16(p + 26);
            if (!METHODS.contains(content.u16(p + 8)) || nameLength == 0 || nameLength > 4096
                    || p + 30 + nameLength > content.length()) {
                continue;
            }
            byte[] name = localName(p);
            boolean printable = true;
            for (byte b : name) {
                printable &= (b & 0xFF) >= 0x20;
            }
            if (printable) {
                return "has a local entry '" + decode(name) + "' that its central directory does not list";
            }
        }
        return null;
    }

    private byte[] localName(long header) {
        int length = content.u16(header + 26);
        if (header + 30 + length > content.length()) {
            return new byte[0];
        }
        return content.slice(header + 30, length).head(length);
    }

    private static String decode(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** Whether the entry's data can be unpacked (not encrypted, a method Commons Compress reads). */
    boolean canRead(Entry e) {
        return zip.canReadEntryData(e.entry());
    }

    /** Whether the entry is stored as it is (then its data is a slice of the zip, read without copying). */
    boolean stored(Entry e) {
        return e.entry().getMethod() == ZipMethod.STORED.getCode();
    }

    /** The data of a stored entry, as it is in the zip. */
    Slice storedData(Entry e) throws IOException {
        long size = e.entry().getCompressedSize();
        if (size < 0 || e.dataOffset() + size > content.length()) {
            throw new IOException("'" + e.name() + "' ends after the end of the zip");
        }
        return content.slice(e.dataOffset(), size);
    }

    /** The unpacked data of an entry. */
    InputStream data(Entry e) throws IOException {
        return zip.getInputStream(e.entry());
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
