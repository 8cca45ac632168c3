package io.mailgrid.ingress;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Tells when a file in the pickup folder has stopped changing, so that a file still being written
 * under its final name ({@code cp}, a slow copy) is not read half-way: when its modification time
 * is at least {@code min-age} old, or when this node has seen it unchanged (same file, size and
 * modification time) for {@code min-age} by its own clock. The second rule covers a file server
 * whose clock differs from the node's (a modification time in the future).
 *
 * <p>A writer that pauses longer than {@code min-age} in the middle of a file still gets it read
 * half-way: only writing under another name and renaming is safe, as the README says.
 *
 * <p>Pure: the caller passes the time. Not thread-safe; the pickup route polls from one thread.
 */
final class SettledFiles {

    private record Seen(Object fileKey, long size, FileTime modified, Instant since) {

        boolean same(BasicFileAttributes attributes) {
            return Objects.equals(fileKey, attributes.fileKey()) && size == attributes.size()
                    && modified.equals(attributes.lastModifiedTime());
        }
    }

    private final Duration minAge;
    private final Map<String, Seen> seen = new HashMap<>();

    SettledFiles(Duration minAge) {
        this.minAge = minAge;
    }

    /** Whether the file of this name, as it is now, has stopped changing. */
    boolean settled(String name, BasicFileAttributes attributes, Instant now) {
        if (minAge.isZero() || !attributes.lastModifiedTime().toInstant().plus(minAge).isAfter(now)) {
            seen.remove(name);
            return true;
        }
        Seen before = seen.get(name);
        if (before == null || !before.same(attributes)) {
            seen.put(name, new Seen(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), now));
            return false;
        }
        if (!before.since().plus(minAge).isAfter(now)) {
            seen.remove(name);
            return true;
        }
        return false;
    }

    /** Forgets every file but these (the others are gone from the folder). */
    void keepOnly(Set<String> names) {
        seen.keySet().retainAll(names);
    }

    /** How many files are being watched, for tests. */
    int watched() {
        return seen.size();
    }
}
