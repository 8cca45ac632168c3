package io.mailgrid.ingress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.MailProperty;

/**
 * The pickup folder ({@code <data>/pickup}): each {@code *.eml} file dropped there is one mail,
 * its envelope taken from its headers. The route {@code ingress-pickup} calls three steps per poll:
 *
 * <ol>
 * <li>{@link #claim()}: each file that has stopped changing ({@link SettledFiles}) is renamed to
 *     {@code .claimed/<node>/<mail id>.<name>} with a fresh mail id, so the same file dropped twice
 *     is two mails, and two nodes sharing the folder by mistake never take the same file (a rename
 *     succeeds once). Files this node claimed earlier and still holds (it crashed, or the broker
 *     did not take them) come first, under the id in their name.</li>
 * <li>{@link #publish(Claim)}: the file is read (a regular file, at most
 *     {@code mailgrid.pickup.size-limit}; symbolic links are not followed), its Bcc and
 *     {@code X-Mailgrid-*} fields removed ({@link IngressHeaders}) and published under the claimed
 *     id. A crash before the next step publishes it again under that id, and the broker drops the
 *     second copy (duplicate detection). A file that cannot be a mail moves to
 *     {@code pickup/rejected/} with a {@code .reason} file beside it.</li>
 * <li>{@link #remove(Claim)}: the claimed file is deleted, the broker having the mail.</li>
 * </ol>
 *
 * <p>Renames and reason files go through {@link PickupFolder}, which never follows a symbolic link
 * put in place of {@code .claimed} or {@code rejected}. The route polls from one thread, one poll
 * at a time; should polls overlap all the same, a held claim published twice is dropped by the
 * broker as a duplicate.
 */
public final class PickupIngress {

    private static final Logger LOG = LoggerFactory.getLogger(PickupIngress.class);
    /** Most files one poll takes, claims held from before included. */
    static final int MAX_FILES_PER_POLL = 500;
    /** Longest part of the original name kept in a claimed name (a name has at most 255 bytes). */
    private static final int MAX_NAME_BYTES = 200;

    /** A file this node renamed to hold it under a mail id until the broker has the mail. */
    public record Claim(Path file, String mailId, String fileName) {

        @Override
        public String toString() {
            return printable(fileName) + " (mail " + mailId + ")";
        }
    }

    private final MailPublisher publisher;
    private final String node;
    private final Path pickupDir;
    private final Path claimedDir;
    private final PickupSettings settings;
    private final SettledFiles settled;
    private final Clock clock;
    /** Mail ids of the claims this process holds (announced when a claim from an earlier run turns up). */
    private final Set<String> holding = ConcurrentHashMap.newKeySet();
    /** Names of files that could not be claimed, so each is logged once while it stays. */
    private final Set<String> unclaimable = ConcurrentHashMap.newKeySet();

    /**
     * @param publisher publishes to the broker
     * @param node      this node's name (origin of the mail, and its claims' folder)
     * @param pickupDir the pickup folder
     * @param settings  size limit and minimum age
     * @param clock     source of the received time and of the files' age
     */
    public PickupIngress(MailPublisher publisher, String node, Path pickupDir, PickupSettings settings, Clock clock) {
        this.publisher = publisher;
        this.node = node;
        this.pickupDir = pickupDir;
        this.claimedDir = pickupDir.resolve(PickupFolder.CLAIMED).resolve(node);
        this.settings = settings;
        this.settled = new SettledFiles(settings.minAge());
        this.clock = clock;
    }

    /**
     * Claims what this poll publishes: first the files this node still holds from before, then
     * new files that have stopped changing, at most {@value #MAX_FILES_PER_POLL} in all.
     */
    public synchronized List<Claim> claim() throws IOException {
        try (PickupFolder folder = PickupFolder.open(pickupDir, node)) {
            List<Claim> claims = new ArrayList<>(heldClaims(folder));
            Instant now = clock.instant();
            Set<String> present = new HashSet<>();
            boolean complete = true;
            boolean renamed = false;
            for (Path file : folder.mails()) {
                if (claims.size() >= MAX_FILES_PER_POLL) {
                    complete = false;
                    break;
                }
                String name = file.getFileName().toString();
                BasicFileAttributes attributes;
                try {
                    attributes = folder.attributes(file);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                present.add(name);
                // anything but a regular file is claimed at once, to be set aside with a reason
                if (attributes.isRegularFile() && !settled.settled(name, attributes, now)) {
                    continue;
                }
                String mailId = Envelope.newMailId();
                Path claimed;
                try {
                    claimed = folder.claim(file, claimedName(mailId, name));
                } catch (NoSuchFileException takenMeanwhile) {
                    continue; // another node, or another reader, renamed it first: it is theirs
                } catch (IOException e) {
                    // e.g. another user's file in a sticky folder: it must not hold up the other files
                    if (unclaimable.add(name)) {
                        LOG.error("Pickup file {} cannot be claimed, left where it is: {}", printable(name), e.toString());
                    }
                    continue;
                }
                renamed = true;
                holding.add(mailId);
                claims.add(new Claim(claimed, mailId, name));
            }
            if (complete) {
                settled.keepOnly(present);
                unclaimable.retainAll(present);
            }
            if (renamed) {
                // the renames reach the disk before anything is published under the new ids: after a
                // power cut a file is either still waiting under its name or held under its id, never both
                folder.sync();
            }
            return claims;
        }
    }

    /** Files in this node's claims folder, taken again under the id in their name. */
    private List<Claim> heldClaims(PickupFolder folder) throws IOException {
        List<Claim> held = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.claimsDir())) {
            for (Path file : files) {
                if (held.size() >= MAX_FILES_PER_POLL) {
                    break;
                }
                String name = file.getFileName().toString();
                Optional<Claim> claim = parseClaim(file);
                if (claim.isEmpty()) {
                    try {
                        reject(folder, new Claim(file, "-", name), "not a file Mailgrid claimed: the claims folder "
                                + claimedDir + " holds only files named <mail id>.<name>");
                    } catch (IOException e) {
                        LOG.error("Stray file {} in {} cannot be set aside: {}", printable(name), claimedDir, e.toString());
                    }
                    continue;
                }
                if (holding.add(claim.get().mailId())) {
                    try (MDC.MDCCloseable mailId = MDC.putCloseable(MailProperty.MAIL_ID, claim.get().mailId())) {
                        LOG.info("Pickup file {} was claimed by an earlier run of this node: publishing it under its mail id",
                                claim.get());
                    }
                }
                held.add(claim.get());
            }
        }
        return held;
    }

    /**
     * Reads a claimed file and publishes it under its mail id; a file that cannot be a mail is set
     * aside instead.
     *
     * @throws PublishException if the broker did not take the mail: the file stays claimed for the next poll
     */
    public void publish(@Body Claim claim) throws PublishException, IOException {
        // every line about this file names its mail id, as the grabber's and delivery's lines do; the
        // polling thread goes on to the next file without it
        try (MDC.MDCCloseable mailId = MDC.putCloseable(MailProperty.MAIL_ID, claim.mailId())) {
            readAndPublish(claim);
        }
    }

    private void readAndPublish(Claim claim) throws PublishException, IOException {
        byte[] bytes;
        Envelope envelope;
        IngressHeaders.Rewritten mail;
        try {
            bytes = MailFile.read(claim.file(), settings.sizeLimit(), IngressSettingsCatalog.PICKUP_SIZE_LIMIT, false);
            HeaderEnvelope.Addresses addresses = HeaderEnvelope.derive(bytes);
            mail = IngressHeaders.rewrite(bytes, IngressHeaders.Recipients.FROM_HEADERS);
            envelope = Envelope.received(node, addresses.mailFrom(), addresses.recipients(), IngressSource.PICKUP.wireName(), clock.instant(),
                    mail.mail().length).withMailId(claim.mailId());
        } catch (NoSuchFileException e) {
            LOG.warn("Pickup file {} is gone from {} before it was read: someone else moved it", claim, claimedDir);
            holding.remove(claim.mailId());
            return;
        } catch (RejectedMailException e) {
            try (PickupFolder folder = PickupFolder.open(pickupDir, node)) {
                reject(folder, claim, e.getMessage());
            }
            return;
        }
        publisher.publish(envelope, mail.mail());
        LOG.info("Accepted mail {} from pickup file {} ({} bytes, {} recipients{})", envelope.mailId(),
                printable(claim.fileName()), envelope.size(), envelope.recipients().size(), removed(mail));
        LOG.debug("Mail {}: envelope from the headers: from <{}> to {}", envelope.mailId(), envelope.mailFrom(),
                envelope.recipients());
    }

    /** Deletes a claimed file once the broker has its mail (nothing to do if it was set aside). */
    public void remove(@Body Claim claim) throws IOException {
        Files.deleteIfExists(claim.file());
        holding.remove(claim.mailId());
    }

    /** Sets a claimed file aside in {@code rejected/} with its reason. */
    private void reject(PickupFolder folder, Claim claim, String reason) throws IOException {
        Path target = folder.reject(claim.file(), claim.fileName(), reason);
        holding.remove(claim.mailId());
        LOG.warn("Rejected pickup file {}: {} (moved to {})", printable(claim.fileName()), reason, target);
    }

    private static String removed(IngressHeaders.Rewritten mail) {
        if (!mail.changed()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (mail.bccFields() > 0) {
            parts.add(mail.bccFields() + " Bcc");
        }
        if (mail.stampFields() > 0) {
            parts.add(mail.stampFields() + " incoming X-Mailgrid-*");
        }
        return "; removed " + String.join(" and ", parts) + " header field(s)";
    }

    /** {@code <mail id>.<name>}, the name shortened to fit a file name. */
    static String claimedName(String mailId, String fileName) {
        String name = fileName;
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            name = name.substring(0, name.length() - 1);
        }
        return mailId + "." + name;
    }

    /** The claim a file in the claims folder stands for, if its name is one this class gave. */
    static Optional<Claim> parseClaim(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot != 36) {
            return Optional.empty();
        }
        String mailId = name.substring(0, dot);
        try {
            if (!UUID.fromString(mailId).toString().equals(mailId)) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new Claim(file, mailId, name.substring(dot + 1)));
    }

    /** A file name for a log line: control characters (a line feed would forge log lines) as '?'. */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return clean.toString();
    }
}
