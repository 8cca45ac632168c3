package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads what delivery wrote into a Maildir: {@code new/} and {@code cur/} (where a mail reader
 * moves, renames and flags mail), so a second copy of a mail is seen wherever it lies.
 */
public final class Maildir {

    private final Path root;

    private Maildir(Path root) {
        this.root = root;
    }

    public static Maildir at(Path root) {
        return new Maildir(root);
    }

    /** Every delivered mail in {@code new/} and {@code cur/}, in file-name order; empty when the Maildir does not exist yet. */
    public List<Delivered> mails() {
        List<Delivered> result = new ArrayList<>();
        try {
            for (Path file : files()) {
                result.add(new Delivered(file, Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** How many mails are in {@code new/} and {@code cur/}. */
    public int count() {
        return files().size();
    }

    private List<Path> files() {
        List<Path> all = new ArrayList<>();
        for (String folder : List.of("new", "cur")) {
            Path dir = root.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    all.addAll(files.toList());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        all.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
        return all;
    }

    /** How many times each Message-ID was delivered, over several Maildirs. */
    public static Map<String, Integer> messageIdCounts(List<Maildir> maildirs) {
        Map<String, Integer> counts = new HashMap<>();
        for (Maildir maildir : maildirs) {
            for (Delivered mail : maildir.mails()) {
                counts.merge(mail.header("Message-ID").orElse("(none) " + mail.file()), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * How many times each mail (by its stamp {@code X-Mailgrid-Id}) was delivered, over several
     * Maildirs, {@code new/} and {@code cur/}: two copies of one mail count twice whatever their
     * file names. A file without the stamp counts under its file name.
     */
    public static Map<String, Integer> mailIdCounts(List<Maildir> maildirs) {
        Map<String, Integer> counts = new HashMap<>();
        for (Maildir maildir : maildirs) {
            for (Delivered mail : maildir.mails()) {
                counts.merge(mail.mailId(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** One delivered file. */
    public record Delivered(Path file, byte[] bytes) {

        /** The first header with this name (stamp or original), unfolded. */
        public Optional<String> header(String name) {
            String prefix = name.toLowerCase() + ":";
            for (String line : headerLines()) {
                if (line.toLowerCase().startsWith(prefix)) {
                    return Optional.of(line.substring(prefix.length()).trim());
                }
            }
            return Optional.empty();
        }

        /** The Mailgrid mail id stamped on it, or "(no X-Mailgrid-Id) file" for a file without one. */
        public String mailId() {
            return stamp("Id").orElse("(no X-Mailgrid-Id) " + file);
        }

        /** The value of an X-Mailgrid-* stamp header. */
        public Optional<String> stamp(String field) {
            return header("X-Mailgrid-" + field);
        }

        /** The bytes after the stamp block: what was received. */
        public byte[] original() {
            int offset = 0;
            while (startsWith(bytes, offset, "X-Mailgrid-")) {
                int end = indexOf(bytes, (byte) '\n', offset);
                offset = end + 1;
            }
            return Arrays.copyOfRange(bytes, offset, bytes.length);
        }

        private List<String> headerLines() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                end = text.indexOf("\n\n");
            }
            String block = end < 0 ? text : text.substring(0, end);
            return Arrays.asList(block.replaceAll("\r?\n[ \t]+", " ").split("\r?\n"));
        }

        private static boolean startsWith(byte[] data, int offset, String prefix) {
            byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
            if (offset + p.length > data.length) {
                return false;
            }
            for (int i = 0; i < p.length; i++) {
                if (data[offset + i] != p[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] data, byte value, int from) {
            for (int i = from; i < data.length; i++) {
                if (data[i] == value) {
                    return i;
                }
            }
            return data.length - 1;
        }
    }
}
