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

/** Reads what delivery wrote into a Maildir's {@code new/} folder. */
public final class Maildir {

    private final Path root;

    private Maildir(Path root) {
        this.root = root;
    }

    public static Maildir at(Path root) {
        return new Maildir(root);
    }

    /** Every delivered mail, in file-name order; empty when the Maildir does not exist yet. */
    public List<Delivered> mails() {
        Path fresh = root.resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            List<Delivered> result = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                result.add(new Delivered(file, Files.readAllBytes(file)));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many mails are in {@code new/}. */
    public int count() {
        Path fresh = root.resolve("new");
        if (!Files.isDirectory(fresh)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return (int) files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
