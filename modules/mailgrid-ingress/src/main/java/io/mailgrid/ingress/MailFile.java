package io.mailgrid.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads a mail from a file (pickup folder, {@code submit}) without trusting the file: only a
 * regular file is opened (a named pipe would block the reader for ever, a device never end), and
 * never more than the size limit is read, so no file can run the heap out.
 */
public final class MailFile {

    private MailFile() {
    }

    /**
     * The bytes of a mail file.
     *
     * @param file       the file
     * @param sizeLimit  most bytes accepted
     * @param limitKey   the setting the limit comes from, named in the reason
     * @param followLinks whether a symbolic link is followed; if not, a link is refused
     * @throws NoSuchFileException   if the file is gone
     * @throws RejectedMailException if it is not a regular file, is empty, is larger than the limit
     *                               (also if it grew past it while read), or cannot be read
     */
    public static byte[] read(Path file, long sizeLimit, String limitKey, boolean followLinks)
            throws NoSuchFileException, RejectedMailException {
        LinkOption[] links = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, links);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RejectedMailException("cannot be read: " + e);
        }
        if (!attributes.isRegularFile()) {
            throw new RejectedMailException(kind(attributes) + ", not a regular file"
                    + (attributes.isSymbolicLink() ? ": links are not followed" : ""));
        }
        if (attributes.size() > sizeLimit) {
            throw tooLarge(attributes.size() + " bytes", sizeLimit, limitKey);
        }
        OpenOption[] open = followLinks ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
        byte[] mail;
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, open))) {
            mail = readAtMost(in, (int) attributes.size(), sizeLimit);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RejectedMailException("cannot be read: " + e);
        }
        if (mail == null) {
            throw tooLarge("more than " + sizeLimit + " bytes (it grew while it was read)", sizeLimit, limitKey);
        }
        if (mail.length == 0) {
            throw new RejectedMailException("the file is empty");
        }
        return mail;
    }

    /** The whole stream, or null if it holds more than {@code limit} bytes; {@code expected} sizes the buffer. */
    static byte[] readAtMost(InputStream in, int expected, long limit) throws IOException {
        byte[] buffer = new byte[Math.max(expected, 1)];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (buffer.length > limit) {
                    return null;
                }
                // the file grew: make room, but never for more than one byte past the limit
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1, Math.max(buffer.length * 2L, 8192)));
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            }
            length += n;
            if (length > limit) {
                return null;
            }
        }
    }

    private static RejectedMailException tooLarge(String size, long limit, String limitKey) {
        return new RejectedMailException("larger than the limit: " + size + ", at most " + limit + " bytes ("
                + limitKey + ")");
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return "a named pipe, socket or device";
    }
}
