package io.mailgrid.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.camel.Body;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.Stamp;

/**
 * Delivers into a Maildir: the stamped mail is written to {@code tmp/}, flushed to disk, then
 * renamed atomically into {@code new/}, so a reader never sees half a mail.
 *
 * <p>Exactly once: the file name is derived from the mail id and origin
 * ({@code <received-seconds>.<mail-id>.<origin>}). If the node dies after the rename but before
 * the outbound queue learns of it, the redelivered mail finds its file already in {@code new/}
 * (or {@code cur/}, where a reader moved it without flags) and is acknowledged without a second
 * copy.
 */
public final class MaildirDelivery implements MailDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(MaildirDelivery.class);
    private static final String TARGET_PREFIX = "maildir:";

    private final Path tmp;
    private final Path fresh;
    private final Path cur;
    private final boolean fsync;

    /**
     * @param maildir the Maildir root; {@code tmp}, {@code new} and {@code cur} are created if missing
     * @param fsync   flush each mail and the directory to disk before acknowledging (keep on unless
     *                the disk has a battery-backed cache)
     */
    public MaildirDelivery(Path maildir, boolean fsync) throws IOException {
        this.tmp = Files.createDirectories(maildir.resolve("tmp"));
        this.fresh = Files.createDirectories(maildir.resolve("new"));
        this.cur = Files.createDirectories(maildir.resolve("cur"));
        this.fsync = fsync;
    }

    @Override
    public void deliver(@Headers Map<String, Object> properties, @Body byte[] mail) throws IOException {
        Envelope envelope = Envelope.fromHeaders(properties);
        String name = fileName(envelope);
        Path target = fresh.resolve(name);
        if (Files.exists(target) || Files.exists(cur.resolve(name)) || Files.exists(cur.resolve(name + ":2,"))) {
            LOG.info("Mail {} is already in the Maildir as {}: acknowledging the repeated delivery",
                    envelope.mailId(), name);
            return;
        }
        // unique per writer: a peer delivering this node's outbound after a takeover may write the
        // same mail at the same time; both renames then put identical bytes under one name
        Path temporary = tmp.resolve(name + "." + UUID.randomUUID());
        byte[] stamp = Stamp.render(properties, mail);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(stamp));
            writeFully(channel, ByteBuffer.wrap(mail));
            if (fsync) {
                channel.force(true);
            }
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Maildir tmp/ and new/ must be on one file system: " + e.getMessage(), e);
        }
        if (fsync) {
            syncDirectory(fresh);
        }
        LOG.debug("Delivered mail {} to {}", envelope.mailId(), target);
    }

    @Override
    public String describe() {
        return "Maildir " + fresh.getParent();
    }

    @Override
    public String target() {
        return TARGET_PREFIX + fresh.getParent();
    }

    /**
     * The Maildir behind a {@link #target()} string, if it exists on this machine (same host or a
     * shared file system), so a peer can deliver into it.
     */
    public static Optional<Path> reachable(String target) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return Optional.empty();
        }
        Path root = Path.of(target.substring(TARGET_PREFIX.length()));
        return Files.isDirectory(root.resolve("new")) && Files.isWritable(root.resolve("tmp"))
                ? Optional.of(root) : Optional.empty();
    }

    /** The Maildir file name of a mail: unique per mail, the same for every delivery of it. */
    static String fileName(Envelope envelope) {
        return envelope.receivedAt().getEpochSecond() + "." + envelope.mailId() + "." + envelope.origin();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
