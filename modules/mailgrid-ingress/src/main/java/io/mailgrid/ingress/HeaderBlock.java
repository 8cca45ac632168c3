package io.mailgrid.ingress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each header field of a mail lies in its bytes, and where the body starts: the one reading
 * of the header block that ingress derives an envelope from and rewrites, so the fields it takes
 * recipients from are exactly the fields it removes.
 *
 * <p>The block ends at the first empty line (CRLF or LF alone), as RFC 5322 has it; a mail without
 * one is all header block. A line starting with a space or tab continues the field above it. A
 * line without a colon is no field: it stays as it is, with any lines continuing it. The field
 * name is the text before the first colon, without the spaces or tabs in front of the colon (the
 * obsolete {@code Bcc :} that mail readers still understand). Only the header block is scanned,
 * never the body. Bytes are taken as ISO-8859-1, so 8-bit bytes never fail and keep their place.
 */
final class HeaderBlock {

    /**
     * One field: {@code start} is its first byte, {@code end} the byte after the line ending of
     * its last (folded) line, {@code valueStart} the byte after the colon.
     */
    record Field(String name, int start, int end, int valueStart) {

        /** Whether the name is this one, ignoring case. */
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }

        /** Whether the name starts with this prefix, ignoring case. */
        boolean startsWith(String prefix) {
            return name.regionMatches(true, 0, prefix, 0, prefix.length());
        }
    }

    private final byte[] mail;
    private final List<Field> fields;
    private final int bodyStart;

    private HeaderBlock(byte[] mail, List<Field> fields, int bodyStart) {
        this.mail = mail;
        this.fields = fields;
        this.bodyStart = bodyStart;
    }

    /** Reads the header block of a mail. */
    static HeaderBlock parse(byte[] mail) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        String name = null; // the field being read; null on a line that is no field
        int start = 0;
        int valueStart = 0;
        while (pos < mail.length) {
            int lineFeed = indexOf(mail, (byte) '\n', pos);
            int next = lineFeed < 0 ? mail.length : lineFeed + 1;
            int contentEnd = lineFeed < 0 ? mail.length : lineFeed > pos && mail[lineFeed - 1] == '\r' ? lineFeed - 1 : lineFeed;
            if (contentEnd == pos && lineFeed >= 0) { // the empty line: the body follows
                close(fields, name, start, pos, valueStart);
                return new HeaderBlock(mail, List.copyOf(fields), next);
            }
            if (mail[pos] != ' ' && mail[pos] != '\t') { // a new line, not a continuation
                close(fields, name, start, pos, valueStart);
                int colon = indexOf(mail, (byte) ':', pos, contentEnd);
                name = colon < 0 ? null : nameBefore(mail, pos, colon);
                start = pos;
                valueStart = colon + 1;
            }
            pos = next;
        }
        close(fields, name, start, mail.length, valueStart);
        return new HeaderBlock(mail, List.copyOf(fields), mail.length);
    }

    /** Every field of the block, in order. */
    List<Field> fields() {
        return fields;
    }

    /** Every field with this name (any case), in order. */
    List<Field> named(String name) {
        return fields.stream().filter(f -> f.is(name)).toList();
    }

    /** The offset of the body: after the empty line, or the end of the mail when there is none. */
    int bodyStart() {
        return bodyStart;
    }

    /** A field's value unfolded (line breaks removed), without surrounding whitespace. */
    String value(Field field) {
        String raw = new String(mail, field.valueStart(), field.end() - field.valueStart(), StandardCharsets.ISO_8859_1);
        return raw.replace("\r", "").replace("\n", "").strip();
    }

    private static void close(List<Field> fields, String name, int start, int end, int valueStart) {
        if (name != null) {
            fields.add(new Field(name, start, end, valueStart));
        }
    }

    private static String nameBefore(byte[] mail, int start, int colon) {
        int end = colon;
        while (end > start && (mail[end - 1] == ' ' || mail[end - 1] == '\t')) {
            end--;
        }
        return new String(mail, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] data, byte value, int from) {
        return indexOf(data, value, from, data.length);
    }

    private static int indexOf(byte[] data, byte value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
