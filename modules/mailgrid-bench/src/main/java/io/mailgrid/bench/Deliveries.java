package io.mailgrid.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records when each mail reached its outcome: delivered into a watched Maildir (the file's
 * modification time, nanosecond resolution on Linux file systems; Maildir file names carry the
 * mail id, {@code <seconds>.<mail-id>.<origin>}), or reported by a push feed (the relay sink, the
 * quarantine) through {@link #record(String, long)}. The mail id ties an outcome to its accept time.
 */
final class Deliveries {

    /**
     * How often the bench looks for outcomes while it waits. Every outcome carries its own time (the
     * file's modification time, or the push time), so looking more often changes no figure; but each
     * look lists all of {@code new/}, in the bench's JVM on the cores the measured node and broker use
     * (every 5 ms, and from each producer every 200 mails, before 2026-12-02).
     */
    static final long LOOK_EVERY_MILLIS = 50;

    private final List<Path> maildirs;
    private final Map<String, Long> deliveredAtNanos = new ConcurrentHashMap<>();
    private final Set<String> seenFiles = new HashSet<>();
    private int pushed;
    private final Set<String> ignored;
    private final long epochNanosAtStart;
    private final long nanoAtStart;

    Deliveries(List<Path> maildirs) {
        this(maildirs, Set.of());
    }

    /** Watches, ignoring files of mails delivered before (a warm-up). */
    Deliveries(List<Path> maildirs, Set<String> ignoredMailIds) {
        this.maildirs = maildirs;
        this.ignored = ignoredMailIds;
        this.epochNanosAtStart = System.currentTimeMillis() * 1_000_000L;
        this.nanoAtStart = System.nanoTime();
    }

    /** Reads new files; returns how many mails are delivered so far. */
    synchronized int poll() throws IOException {
        for (Path maildir : maildirs) {
            Path fresh = maildir.resolve("new");
            if (!Files.isDirectory(fresh)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(fresh)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    String[] parts = name.split("\\.");
                    if (parts.length >= 3 && ignored.contains(parts[1])) {
                        continue;
                    }
                    if (seenFiles.add(name)) {
                        long modified = Files.readAttributes(file, BasicFileAttributes.class).lastModifiedTime()
                                .to(java.util.concurrent.TimeUnit.NANOSECONDS);
                        deliveredAtNanos.merge(parts.length >= 3 ? parts[1] : name, toNano(modified), Math::min);
                    }
                }
            }
        }
        return deliveredAtNanos.size();
    }

    /**
     * Moves every file of the watched Maildirs' {@code new/} into {@code cur/} (no flags: the name the
     * node looks for), as a mail reader does: after a warm-up of up to 30000 mails each poll would
     * list them all again, on the cores the measured processes share with the bench.
     */
    synchronized void markAllRead() throws IOException {
        for (Path maildir : maildirs) {
            Path fresh = maildir.resolve("new");
            if (!Files.isDirectory(fresh)) {
                continue;
            }
            Path cur = Files.createDirectories(maildir.resolve("cur"));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(fresh)) {
                for (Path file : files) {
                    Files.move(file, cur.resolve(file.getFileName() + ":2,"));
                }
            }
        }
    }

    /** One outcome reported by a feed (the relay sink, the quarantine), at a System.nanoTime() instant. */
    synchronized void record(String mailId, long nanoTime) {
        if (ignored.contains(mailId)) {
            return;
        }
        pushed++;
        deliveredAtNanos.merge(mailId, nanoTime, Math::min);
    }

    /** When a mail was delivered, on the System.nanoTime() scale, or null. */
    Long deliveredAt(String mailId) {
        return deliveredAtNanos.get(mailId);
    }

    int count() {
        return deliveredAtNanos.size();
    }

    /** Outcomes seen in total, files and pushed (more than count() means a mail was delivered twice). */
    synchronized int files() {
        return seenFiles.size() + pushed;
    }

    List<Long> times() {
        return new ArrayList<>(deliveredAtNanos.values());
    }

    private long toNano(long epochNanos) {
        return nanoAtStart + (epochNanos - epochNanosAtStart);
    }
}
