package io.mailgrid.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The attachments of a TNEF stream (what Outlook sends as {@code winmail.dat}, type
 * application/ms-tnef): their file names and data, read from the attributes that carry them.
 *
 * <p>Only what the attachment policy needs is read: per attachment the title ({@code attAttachTitle},
 * often the 8.3 name), the data ({@code attAttachData}) and, from its MAPI properties
 * ({@code attAttachment}), the long file name, the file name and the display name. Mail clients
 * that unpack winmail.dat show those names. A stream that ends inside an attribute or property
 * is unreadable ({@link IOException}).
 */
final class TnefAttachments {

    /**
     * One attachment.
     *
     * @param names every file name given for it
     * @param data  its content, or null when it has none
     */
    record Attachment(Set<String> names, Slice data) {
    }

    private static final int SIGNATURE = 0x223E9F78;
    private static final int LEVEL_ATTACHMENT = 2;
    private static final int ATT_ATTACH_REND_DATA = 0x9002;
    private static final int ATT_ATTACH_TITLE = 0x8010;
    private static final int ATT_ATTACH_DATA = 0x800F;
    private static final int ATT_ATTACHMENT = 0x9005;
    private static final int PR_DISPLAY_NAME = 0x3001;
    private static final int PR_ATTACH_FILENAME = 0x3704;
    private static final int PR_ATTACH_LONG_FILENAME = 0x3707;
    private static final int PT_STRING8 = 0x001E;
    private static final int PT_UNICODE = 0x001F;
    private static final int MULTI_VALUED = 0x1000;

    private TnefAttachments() {
    }

    /** Lists the attachments; at most {@code maxAttachments} are read. */
    static List<Attachment> read(Slice tnef, int maxAttachments) throws IOException {
        if (tnef.length() < 6 || tnef.u32(0) != SIGNATURE) {
            throw new IOException("no TNEF signature");
        }
        List<Attachment> attachments = new ArrayList<>();
        Set<String> names = null;
        String title = null;
        Slice data = null;
        long p = 6;
        while (p < tnef.length()) {
            need(tnef, p, 9);
            int level = tnef.at((int) p);
            int id = (int) (tnef.u32(p + 1) & 0xFFFF);
            long length = tnef.u32(p + 5);
            need(tnef, p + 9, length + 2);
            Slice value = tnef.slice(p + 9, length);
            p += 9 + length + 2;
            if (level != LEVEL_ATTACHMENT) {
                continue;
            }
            if (id == ATT_ATTACH_REND_DATA) {
                if (names != null) {
                    attachments.add(attachment(names, title, data));
                }
                if (attachments.size() >= maxAttachments) {
                    return attachments;
                }
                names = new LinkedHashSet<>();
                title = null;
                data = null;
            } else if (names != null && id == ATT_ATTACH_TITLE) {
                title = string8(value);
            } else if (names != null && id == ATT_ATTACH_DATA) {
                data = value;
            } else if (names != null && id == ATT_ATTACHMENT) {
                properties(value, names);
            }
        }
        if (names != null) {
            attachments.add(attachment(names, title, data));
        }
        return attachments;
    }

    /** The names from the MAPI properties (the long file name people see) first, then the title. */
    private static Attachment attachment(Set<String> names, String title, Slice data) {
        if (title != null) {
            addName(names, title);
        }
        return new Attachment(names, data);
    }

    /** The file names among MAPI properties (count, then type, id, value for each). */
    private static void properties(Slice props, Set<String> names) throws IOException {
        need(props, 0, 4);
        long count = props.u32(0);
        long p = 4;
        for (long i = 0; i < count && p < props.length(); i++) {
            need(props, p, 4);
            int type = props.u16(p);
            int id = props.u16(p + 2);
            p += 4;
            if (id >= 0x8000) {
                // a named property: GUID, kind, then a number or a name
                need(props, p, 20);
                long kind = props.u32(p + 16);
                p += 20;
                if (kind == 0) {
                    p += 4;
                } else {
                    need(props, p, 4);
                    p += 4 + padded(props.u32(p));
                }
            }
            boolean multi = (type & MULTI_VALUED) != 0;
            int base = type & ~MULTI_VALUED;
            int fixed = fixedSize(base);
            if (fixed > 0 && !multi) {
                need(props, p, fixed);
                p += fixed;
                continue;
            }
            need(props, p, 4);
            long values = fixed > 0 || variable(base) ? props.u32(p) : -1;
            if (values < 0) {
                throw new IOException("MAPI property type " + Integer.toHexString(type) + " unknown");
            }
            p += 4;
            for (long v = 0; v < values; v++) {
                if (fixed > 0) {
                    need(props, p, fixed);
                    p += fixed;
                    continue;
                }
                need(props, p, 4);
                long length = props.u32(p);
                need(props, p + 4, length);
                Slice value = props.slice(p + 4, length);
                p += 4 + padded(length);
                if (id == PR_ATTACH_LONG_FILENAME || id == PR_ATTACH_FILENAME || id == PR_DISPLAY_NAME) {
                    if (base == PT_STRING8) {
                        addName(names, string8(value));
                    } else if (base == PT_UNICODE) {
                        addName(names, unicode(value));
                    }
                }
            }
        }
    }

    private static int fixedSize(int type) {
        return switch (type) {
            case 0x0001, 0x0002, 0x0003, 0x0004, 0x000A, 0x000B -> 4; // null, short, long, float, error, boolean
            case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040 -> 8; // double, currency, apptime, int64, systime
            case 0x0048 -> 16; // CLSID
            default -> 0;
        };
    }

    private static boolean variable(int type) {
        return type == PT_STRING8 || type == PT_UNICODE || type == 0x0102 || type == 0x000D; // binary, object
    }

    private static long padded(long length) {
        return (length + 3) / 4 * 4;
    }

    private static void need(Slice slice, long at, long bytes) throws IOException {
        if (at < 0 || bytes < 0 || at + bytes > slice.length()) {
            throw new IOException("TNEF ends inside an attribute");
        }
    }

    private static void addName(Set<String> names, String name) {
        if (!name.isBlank()) {
            names.add(name);
        }
    }

    private static String string8(Slice value) {
        byte[] bytes = value.head(value.length());
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static String unicode(Slice value) {
        String text = new String(value.head(value.length()), StandardCharsets.UTF_16LE);
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }
}
