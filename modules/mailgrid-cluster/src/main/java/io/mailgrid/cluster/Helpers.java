package io.mailgrid.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which workers help with a mailbox: rendezvous (highest-random-weight) hashing of the mailbox's
 * owner and each candidate, so every node that knows the same candidates picks the same helpers
 * without talking, and a node joining or leaving changes only the mailboxes it ranks highest on
 * (about one in N), not everyone's helpers (docs/adr/0039).
 *
 * <p>Pure and stateless; the weight is a 64-bit FNV-1a hash of the two names, mixed with the
 * SplitMix64 finaliser so that names differing in one character spread over the whole range.
 */
public final class Helpers {

    private Helpers() {
    }

    /** The {@code count} candidates ranked highest for {@code mailbox}; all of them when count is 0 or more than there are. */
    public static List<String> choose(String mailbox, Collection<String> candidates, int count) {
        List<String> ranked = rank(mailbox, candidates);
        return count <= 0 || count >= ranked.size() ? ranked : List.copyOf(ranked.subList(0, count));
    }

    /** Every candidate, highest weight for {@code mailbox} first (ties, which need equal hashes, by name). */
    public static List<String> rank(String mailbox, Collection<String> candidates) {
        return candidates.stream().distinct()
                .map(node -> Map.entry(node, weight(mailbox, node)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The weight of {@code node} for {@code mailbox} (compared as a signed long). */
    static long weight(String mailbox, String node) {
        long hash = 0xcbf29ce484222325L;
        hash = fnv(hash, mailbox.getBytes(StandardCharsets.UTF_8));
        hash = fnv(hash, new byte[] {0});
        hash = fnv(hash, node.getBytes(StandardCharsets.UTF_8));
        // SplitMix64 finaliser: FNV alone leaves the high bits of short, similar names correlated
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    private static long fnv(long hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
