package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Archives built the way an attacker builds them to slip a file past a gateway: a zip behind a
 * prefix (as self-extracting archives are), names that differ between the central directory and
 * the local headers, an entry only a streaming reader sees, archives nested in archives, a TNEF
 * {@code winmail.dat}. Every method is deterministic.
 */
public final class HostileArchive {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;

    private HostileArchive() {
    }

    /** A zip of one entry. */
    public static byte[] zip(String name, byte[] content) {
        return MimeMail.zip(Map.of(name, content));
    }

    /** A zip of these entries with an archive comment at its end. */
    public static byte[] zipWithComment(Map<String, byte[]> entries, String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
            zip.setComment(comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip whose entries are stored, not compressed (as Python's zipfile writes by default). */
    public static byte[] storedZip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry stored = new ZipEntry(entry.getKey());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(entry.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(entry.getValue());
                stored.setCrc(crc.getValue());
                zip.putNextEntry(stored);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The bytes of {@code prefix} followed by the archive, offsets unchanged (as {@code cat stub.exe a.zip}). */
    public static byte[] prefixed(byte[] prefix, byte[] archive) {
        byte[] joined = Arrays.copyOf(prefix, prefix.length + archive.length);
        System.arraycopy(archive, 0, joined, prefix.length, archive.length);
        return joined;
    }

    /**
     * A stub that looks like the start of a Windows program, {@code size} bytes long, as in front of a
     * self-extracting archive.
     */
    public static byte[] executableStub(int size) {
        byte[] stub = new byte[size];
        stub[0] = 'M';
        stub[1] = 'Z';
        for (int i = 2; i < size; i++) {
            stub[i] = (byte) (i * 31 + 7);
        }
        return stub;
    }

    /**
     * The zip with the name in one entry's local header replaced (same length), while its central
     * directory keeps the old name: extractors that read the central directory list one name, those
     * that stream the local headers another.
     */
    public static byte[] localNameReplaced(byte[] zip, String centralName, String localName) {
        byte[] from = centralName.getBytes(StandardCharsets.UTF_8);
        byte[] to = localName.getBytes(StandardCharsets.UTF_8);
        if (from.length != to.length) {
            throw new IllegalArgumentException("names must have the same length");
        }
        byte[] copy = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 30 <= copy.length; i++) {
            if (buffer.getInt(i) == LOCAL_HEADER) {
                int nameLength = buffer.getShort(i + 26) & 0xFFFF;
                if (Arrays.equals(copy, i + 30, i + 30 + nameLength, from, 0, from.length)) {
                    System.arraycopy(to, 0, copy, i + 30, to.length);
                    return copy;
                }
            }
        }
        throw new IllegalArgumentException("no local header named " + centralName);
    }

    /**
     * The local entries of {@code hidden} (local headers and data, without their central directory) in
     * front of {@code visible}: readers of the central directory see only {@code visible}'s entries,
     * a streaming reader from the first byte sees {@code hidden}'s first.
     */
    public static byte[] hiddenLocalEntries(byte[] hidden, byte[] visible) {
        int centralDirectory = centralDirectoryOffset(hidden);
        return prefixed(Arrays.copyOf(hidden, centralDirectory), visible);
    }

    private static int centralDirectoryOffset(byte[] zip) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = zip.length - 22; i >= 0; i--) {
            if (buffer.getInt(i) == END_OF_CENTRAL_DIRECTORY) {
                return buffer.getInt(i + 16);
            }
        }
        throw new IllegalArgumentException("not a zip");
    }

    /** {@code levels} zips, each holding the next; the innermost holds {@code name}. */
    public static byte[] nestedZips(int levels, String name, byte[] content) {
        byte[] archive = zip(name, content);
        for (int i = levels - 1; i > 0; i--) {
            archive = zip("level" + i + ".zip", archive);
        }
        return archive;
    }

    /** One gzipped file. */
    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip with one entry of {@code bytes} zeros, compressed to about a thousandth of that. */
    public static byte[] zeros(String name, long bytes) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            zip.setLevel(9);
            zip.putNextEntry(new ZipEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < bytes; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, bytes - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    /** A zip with {@code count} empty entries named {@code prefix0.txt}, {@code prefix1.txt}, ... */
    public static byte[] manyEntries(String prefix, int count) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put(prefix + i + ".txt", new byte[0]);
        }
        return MimeMail.zip(entries);
    }

    /**
     * A TNEF stream (what Outlook sends as {@code winmail.dat}, type application/ms-tnef) holding these
     * attachments. Each is written as Outlook writes it: a rendering record, its title (the file name),
     * its data, and its MAPI properties with the long file name.
     */
    public static byte[] tnef(Map<String, byte[]> attachments) {
        Tnef tnef = new Tnef();
        tnef.attribute(1, 0x00089006, "IPM.Microsoft Mail.Note\0".getBytes(StandardCharsets.US_ASCII)); // attMessageClass
        for (Map.Entry<String, byte[]> attachment : attachments.entrySet()) {
            tnef.attribute(2, 0x00069002, new byte[14]); // attAttachRendData
            tnef.attribute(2, 0x00018010, shortName(attachment.getKey())); // attAttachTitle
            tnef.attribute(2, 0x0006800F, attachment.getValue()); // attAttachData
            tnef.attribute(2, 0x00069005, longFileNameProperty(attachment.getKey())); // attAttachment
        }
        return tnef.bytes();
    }

    /** The 8.3 form of a name, as attAttachTitle often holds it: the extension kept, cut to three letters. */
    private static byte[] shortName(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        String shortened = (base.length() > 8 ? base.substring(0, 6) + "~1" : base)
                + (extension.isEmpty() ? "" : "." + extension.substring(0, Math.min(3, extension.length())));
        return (shortened.toUpperCase(java.util.Locale.ROOT) + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A MAPI property list with PR_ATTACH_LONG_FILENAME (0x3707, an 8-bit string). */
    private static byte[] longFileNameProperty(String name) {
        byte[] value = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int padded = (value.length + 3) / 4 * 4;
        ByteBuffer props = ByteBuffer.allocate(4 + 4 + 4 + 4 + padded).order(ByteOrder.LITTLE_ENDIAN);
        props.putInt(1); // one property
        props.putShort((short) 0x001E).putShort((short) 0x3707); // PT_STRING8, PR_ATTACH_LONG_FILENAME
        props.putInt(1); // one value
        props.putInt(value.length);
        props.put(value);
        return props.array();
    }

    /** Writes TNEF attributes: level, id, length, data, checksum (the sum of the data bytes). */
    private static final class Tnef {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tnef() {
            ByteBuffer head = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(0x223E9F78).putShort((short) 0x0001);
            out.writeBytes(head.array());
        }

        void attribute(int level, int id, byte[] data) {
            ByteBuffer header = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            header.put((byte) level).putInt(id).putInt(data.length);
            out.writeBytes(header.array());
            out.writeBytes(data);
            int sum = 0;
            for (byte b : data) {
                sum += b & 0xFF;
            }
            out.write(sum & 0xFF);
            out.write((sum >> 8) & 0xFF);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
