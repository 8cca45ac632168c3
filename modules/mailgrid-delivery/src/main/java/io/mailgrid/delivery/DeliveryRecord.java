package io.mailgrid.delivery;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of the mail delivered into one Maildir ({@code mailgrid/delivered/}): one directory per
 * day the mail was received, holding each mail's claim (a symbolic link to the copy that becomes the
 * mail) and the deliverers' copies. See {@link MaildirDelivery} for how a delivery uses it.
 *
 * <p>Growth is bounded: a day's directory is deleted once it has not changed for {@code retention}
 * (no delivery recorded for mail of that day). It is first renamed out of the way, so a delivery that
 * claims a mail in it at that very moment notices its claim is gone and retries.
 */
final class DeliveryRecord {

    /** Flushes a directory to disk (or does nothing, without fsync). */
    @FunctionalInterface
    interface DirectorySync {
        void sync(Path directory) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecord.class);
    private static final String PRUNED_PREFIX = ".pruned-";

    private final Path root;
    private final Duration retention;
    private final Clock clock;
    private final Duration pruneEvery;
    private final DirectorySync sync;
    private final AtomicReference<Instant> nextPrune;

    DeliveryRecord(Path root, Duration retention, Clock clock, Duration pruneEvery, DirectorySync sync) throws IOException {
        this.root = Files.createDirectories(root);
        this.retention = retention;
        this.clock = clock;
        this.pruneEvery = pruneEvery;
        this.sync = sync;
        this.nextPrune = new AtomicReference<>(clock.instant());
    }

    /** Where the claim of a mail received on {@code day} lives. */
    Path claimOf(String day, String mailId) {
        return root.resolve(day).resolve(mailId);
    }

    /** A copy's path beside its claim. */
    Path copyOf(Path claim, String suffix) {
        return claim.resolveSibling(claim.getFileName() + "+" + suffix);
    }

    /** The copy a claim names, or empty when the mail is not claimed. */
    Optional<Path> read(Path claim) throws IOException {
        try {
            return Optional.of(claim.resolveSibling(Files.readSymbolicLink(claim)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NotLinkException e) {
            throw new IOException("not a delivery claim, remove it by hand: " + claim, e);
        }
    }

    /**
     * Claims the mail for {@code copy}, atomically. Returns the copy that holds the claim: {@code copy},
     * or the one another delivery claimed first. The claim is on disk when this returns.
     */
    Path claim(Path claim, Path copy) throws IOException {
        Path day = prepareDay(claim);
        try {
            // relative, so the record stays valid where the Maildir is mounted at another path
            Files.createSymbolicLink(claim, copy.getFileName());
            sync.sync(day);
            return copy;
        } catch (FileAlreadyExistsException e) {
            sync.sync(day);
            return read(claim).orElseThrow(() -> new IOException("claim " + claim + " vanished right after it was made"));
        } catch (NoSuchFileException e) {
            throw new IOException("the delivery record of day " + day.getFileName() + " was pruned during a delivery; retrying", e);
        }
    }

    /** Creates the day directory a claim and its copies go into, if missing. */
    Path prepareDay(Path claim) throws IOException {
        Path day = claim.getParent();
        if (!Files.isDirectory(day)) {
            Files.createDirectories(day);
            sync.sync(root);
        }
        return day;
    }

    /** Prunes once per {@code pruneEvery}; the delivery that finds it due does it. */
    void pruneIfDue() {
        Instant now = clock.instant();
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(pruneEvery))) {
            return;
        }
        try {
            prune(now);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Pruning the delivery record {} failed, trying again in {}: {}", root, pruneEvery, e.toString());
        }
    }

    /** Deletes every day whose directory did not change for {@code retention}. */
    void prune(Instant now) throws IOException {
        List<Path> days;
        try (Stream<Path> all = Files.list(root)) {
            days = all.toList();
        }
        int pruned = 0;
        for (Path day : days) {
            String name = day.getFileName().toString();
            if (name.startsWith(PRUNED_PREFIX)) {
                deleteTree(day); // left by a prune that stopped half-way
                continue;
            }
            Instant changed;
            try {
                changed = Files.getLastModifiedTime(day).toInstant();
            } catch (NoSuchFileException e) {
                continue;
            }
            if (changed.plus(retention).isAfter(now)) {
                continue;
            }
            Path aside = root.resolve(PRUNED_PREFIX + name + "-" + UUID.randomUUID());
            try {
                Files.move(day, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                continue; // another node pruned it
            }
            deleteTree(aside);
            pruned++;
        }
        if (pruned > 0) {
            sync.sync(root);
            LOG.info("Pruned the delivery record {}: {} day(s) without a delivery for {}", root, pruned, retention);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(directory)) {
            entries = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path entry : entries) {
            try {
                Files.deleteIfExists(entry);
            } catch (DirectoryNotEmptyException e) {
                LOG.debug("{} is not empty yet; left for the next prune", entry);
            }
        }
    }
}
