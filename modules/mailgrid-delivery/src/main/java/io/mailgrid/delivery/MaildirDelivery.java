package io.mailgrid.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.Stamp;

/**
 * Delivers into a Maildir exactly once per mail id: a redelivered mail (a commit lost in a crash, a
 * hung node waking up after a peer delivered its mail) never becomes a second copy, whatever a mail
 * reader did meanwhile with the delivered file (flagged, renamed or deleted it). docs/adr/0016.
 *
 * <p>Besides {@code tmp/}, {@code new/} and {@code cur/}, the Maildir holds Mailgrid's record of
 * delivered mail in {@code mailgrid/} (mail readers ignore directories whose name does not start
 * with a dot):
 * <pre>
 * mailgrid/maildir-id                        this Maildir's identity, written on first use
 * mailgrid/delivered/&lt;day&gt;/&lt;mail-id&gt;          the claim: a symbolic link to the one copy that becomes the mail
 * mailgrid/delivered/&lt;day&gt;/&lt;mail-id&gt;+&lt;uuid&gt;   one deliverer's copy of the stamped mail
 * </pre>
 * {@code <day>} is the day the mail was received (UTC): every delivery of a mail looks in one place.
 *
 * <p>A delivery looks for the claim. If there is none, it writes its own copy, flushes it, and claims
 * it: creating the symbolic link is atomic, so of two deliverers of one mail (a hung node and the peer
 * that took its mail) exactly one succeeds; the other drops its copy and follows the claim. Then the
 * claimed copy is renamed into {@code new/}. That rename is atomic and can happen only once, because
 * afterwards its source is gone: whoever comes second, at any point, finds the copy gone and the claim
 * there, and knows the mail is delivered. A claimed copy is never deleted except by that rename, so a
 * delivery that stopped after the claim is finished by the next one. The claim, the copy and
 * {@code new/} are flushed to disk before {@link #deliver} returns, so before the broker hears the mail
 * is done.
 *
 * <p>A day's claims are deleted once no delivery was recorded for that day during {@code retention}
 * (looked at hourly): longer than a delivered mail can take to come back.
 */
public final class MaildirDelivery implements MailDelivery {

    /** How long claims are kept when the caller does not say. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(MaildirDelivery.class);
    private static final String TARGET_PREFIX = "maildir:";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    /** Mail ids name files here: letters, digits, '.', '_' and '-', not starting with a dot. */
    private static final Pattern FILE_NAME_SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);

    /**
     * How a Maildir delivery keeps its record.
     *
     * @param fsync     flush each mail, its claim and the directories to disk before acknowledging
     *                  (keep on unless the disk has a battery-backed cache)
     * @param retention how long a day's claims are kept after its last delivery
     * @param clock     time for pruning
     */
    public record Options(boolean fsync, Duration retention, Clock clock) {
    }

    private final Path root;
    private final Path fresh;
    private final Path cur;
    private final DeliveryRecord record;
    private final String id;
    private final boolean fsync;

    /**
     * A Maildir with the default retention.
     *
     * @param maildir the Maildir root; {@code tmp}, {@code new}, {@code cur} and Mailgrid's record are
     *                created if missing
     * @param fsync   see {@link Options#fsync()}
     */
    public MaildirDelivery(Path maildir, boolean fsync) throws IOException {
        this(maildir, new Options(fsync, DEFAULT_RETENTION, Clock.systemUTC()));
    }

    /** A Maildir: created if missing, and given an identity on first use. */
    public MaildirDelivery(Path maildir, Options options) throws IOException {
        this.root = maildir.toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("tmp"));
        this.fresh = Files.createDirectories(root.resolve("new"));
        this.cur = Files.createDirectories(root.resolve("cur"));
        this.fsync = options.fsync();
        this.record = new DeliveryRecord(root.resolve("mailgrid").resolve("delivered"), options.retention(), options.clock(),
                PRUNE_EVERY, this::syncDirectory);
        this.id = identity(root, true);
    }

    /**
     * A peer's Maildir, as announced in its heartbeat ({@link #target()}), when this node reaches
     * that very Maildir (same machine or shared storage); empty otherwise. Another Maildir that
     * happens to be at the same path (a node's own volume in a container) is not it.
     */
    public static Optional<MaildirDelivery> ofPeer(String target, Options options) throws IOException {
        if (unreachable(target).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new MaildirDelivery(announcedRoot(target), options));
    }

    @Override
    public Optional<String> deliver(Map<String, Object> properties, byte[] mail, DeliveryFence fence) throws IOException {
        finish(prepare(properties, mail));
        return Optional.empty();
    }

    /** What a delivery holds after claiming: the claim and the copy it names. */
    record Pending(Envelope envelope, Path claim, Path copy, Path target, boolean ours) {
    }

    /**
     * The first half of a delivery: finds the mail's claim, or writes and claims an own copy. Nothing
     * a reader can see has changed yet.
     */
    Pending prepare(Map<String, Object> properties, byte[] mail) throws IOException {
        Envelope envelope = Envelope.fromHeaders(properties);
        String mailId = envelope.mailId();
        if (!FILE_NAME_SAFE.matcher(mailId).matches()) {
            throw new IOException("mail id '" + mailId + "' cannot name a file in the Maildir");
        }
        record.pruneIfDue();
        String name = fileName(envelope);
        Path target = fresh.resolve(name);
        Path claim = record.claimOf(DAY.format(envelope.receivedAt()), mailId);
        Optional<Path> claimed = record.read(claim);
        if (claimed.isPresent()) {
            return new Pending(envelope, claim, claimed.get(), target, false);
        }
        if (deliveredBeforeRecords(name)) {
            // delivered by a Mailgrid that kept no record: claim a copy that does not exist, which reads as delivered
            Path none = record.copyOf(claim, "none");
            Path winner = record.claim(claim, none);
            return new Pending(envelope, claim, winner, target, false);
        }
        Path own = record.copyOf(claim, UUID.randomUUID().toString());
        record.prepareDay(claim);
        try (FileChannel channel = FileChannel.open(own, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(Stamp.render(properties, mail)));
            writeFully(channel, ByteBuffer.wrap(mail));
            if (fsync) {
                channel.force(true);
            }
        }
        Path winner = record.claim(claim, own);
        if (!winner.equals(own)) {
            Files.deleteIfExists(own);
            LOG.info("Mail {}: another delivery claimed it first; finishing that one", mailId);
        }
        return new Pending(envelope, claim, winner, target, winner.equals(own));
    }

    /**
     * The second half: moves the claimed copy into {@code new/}, or finds it moved already, and makes
     * both durable before the caller acknowledges.
     */
    void finish(Pending pending) throws IOException {
        String mailId = pending.envelope().mailId();
        boolean moved;
        try {
            Files.move(pending.copy(), pending.target(), StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (NoSuchFileException e) {
            if (!Files.exists(pending.claim(), LinkOption.NOFOLLOW_LINKS)) {
                // the claim went with its day's record (pruned while we delivered): nothing is known, try again
                throw new IOException("the delivery record of mail " + mailId + " vanished during its delivery; retrying", e);
            }
            moved = false;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Maildir new/ and mailgrid/ must be on one file system: " + e.getMessage(), e);
        }
        if (fsync) {
            // whoever moved it may have died before flushing: flush on this path too, before acknowledging
            if (!moved && Files.isRegularFile(pending.target())) {
                try (FileChannel channel = FileChannel.open(pending.target(), StandardOpenOption.READ)) {
                    channel.force(true);
                }
            }
            syncDirectory(fresh);
            syncDirectory(pending.claim().getParent());
        }
        if (moved) {
            LOG.debug("Delivered mail {} to {}{}", mailId, pending.target(), pending.ours() ? "" : " (a claimed copy)");
        } else {
            LOG.info("Mail {} was delivered into this Maildir before (record {}): acknowledging the repeated delivery",
                    mailId, root.relativize(pending.claim()));
        }
    }

    @Override
    public String describe() {
        return "Maildir " + root;
    }

    /** {@code maildir:<identity>:<path>}: a peer delivers here only if it finds this very Maildir at that path. */
    @Override
    public String target() {
        return TARGET_PREFIX + id + ":" + root;
    }

    /** This Maildir's identity, written on first use. */
    public String identity() {
        return id;
    }

    /**
     * The Maildir behind a {@link #target()} string, if it exists on this machine (same host or a
     * shared file system) and is that very Maildir, so a peer can deliver into it.
     */
    public static Optional<Path> reachable(String target) {
        return unreachable(target).isEmpty() ? Optional.of(announcedRoot(target)) : Optional.empty();
    }

    /** Why the Maildir announced as {@code target} cannot take a peer's mail from this node, or empty if it can. */
    public static Optional<String> unreachable(String target) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return Optional.of("it does not deliver into a Maildir");
        }
        String rest = target.substring(TARGET_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || !rest.substring(colon + 1).startsWith("/")) {
            return Optional.of("it announced its Maildir without an identity (" + target + ")");
        }
        String announced = rest.substring(0, colon);
        Path root = Path.of(rest.substring(colon + 1));
        if (!Files.isDirectory(root.resolve("new")) || !Files.isWritable(root.resolve("mailgrid"))) {
            return Optional.of("its Maildir " + root + " is not reachable from this node");
        }
        String found;
        try {
            found = identity(root, false);
        } catch (IOException e) {
            return Optional.of("its Maildir " + root + " cannot be read from this node: " + e.getMessage());
        }
        if (!announced.equals(found)) {
            return Optional.of(root + " on this node is another Maildir (identity " + found + ", not " + announced + ")");
        }
        return Optional.empty();
    }

    private static Path announcedRoot(String target) {
        String rest = target.substring(TARGET_PREFIX.length());
        return Path.of(rest.substring(rest.indexOf(':') + 1));
    }

    /** The Maildir file name of a mail: unique per mail, the same for every delivery of it. */
    static String fileName(Envelope envelope) {
        return envelope.receivedAt().getEpochSecond() + "." + envelope.mailId() + "." + envelope.origin();
    }

    /** Whether a Mailgrid without a delivery record put the mail here (it probed these names). */
    private boolean deliveredBeforeRecords(String name) {
        // java.io.File's probe: Files.exists builds an exception for every file that is not there, i.e. for every new mail
        return fresh.resolve(name).toFile().exists() || cur.resolve(name).toFile().exists()
                || cur.resolve(name + ":2,").toFile().exists();
    }

    /** Reads the Maildir's identity; with {@code create}, writes a new one first if there is none. */
    private static String identity(Path root, boolean create) throws IOException {
        Path state = root.resolve("mailgrid");
        Path file = state.resolve("maildir-id");
        if (!Files.exists(file) && create) {
            Files.createDirectories(state);
            Path temporary = state.resolve("maildir-id." + UUID.randomUUID());
            Files.writeString(temporary, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                Files.createLink(file, temporary); // atomic: two nodes opening one new Maildir agree on one identity
            } catch (FileAlreadyExistsException e) {
                // the other one was first
            } finally {
                Files.deleteIfExists(temporary);
            }
            forceDirectory(state);
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no Maildir identity: not a Maildir Mailgrid has used");
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private void syncDirectory(Path directory) throws IOException {
        if (fsync) {
            forceDirectory(directory);
        }
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
