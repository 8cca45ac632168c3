package io.mailgrid.ingress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.UUID;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.Envelope;

/**
 * Publishes a file from the pickup folder ({@code <data>/pickup/*.eml}) to this node's mailbox.
 *
 * <p>The route {@code ingress-pickup} deletes the file only after {@link #publish} returned, that
 * is after the broker stored the mail. The mail id is derived from the file name and content, so
 * if the node dies between the two, the file published again carries the same
 * duplicate-detection id and the broker keeps one copy.
 *
 * <p>A file that cannot be a mail (empty, no recipient) is moved to {@code pickup/rejected/} with
 * a {@code .reason} file beside it; a broker failure leaves the file where it is for the next poll.
 */
public final class PickupIngress {

    private static final Logger LOG = LoggerFactory.getLogger(PickupIngress.class);

    private final MailPublisher publisher;
    private final String node;
    private final Path rejectedDir;
    private final Clock clock;

    /**
     * @param publisher   publishes to the broker
     * @param node        this node's name (origin of the mail)
     * @param pickupDir   the pickup folder; rejected files go to its {@code rejected} sub-folder
     * @param clock       source of the received time
     */
    public PickupIngress(MailPublisher publisher, String node, Path pickupDir, Clock clock) {
        this.publisher = publisher;
        this.node = node;
        this.rejectedDir = pickupDir.resolve("rejected");
        this.clock = clock;
    }

    /** Publishes the file's bytes; called by the route with the file name and content. */
    public void publish(@Header("CamelFileName") String fileName, @Header("CamelFileAbsolutePath") String path,
            @Body byte[] mail) throws PublishException, IOException {
        Envelope envelope;
        try {
            if (mail == null || mail.length == 0) {
                throw new RejectedMailException("the file is empty");
            }
            HeaderEnvelope.Addresses addresses = HeaderEnvelope.derive(mail);
            envelope = Envelope.received(node, addresses.mailFrom(), addresses.recipients(), "pickup",
                    clock.instant(), mail.length).withMailId(contentId(fileName, mail));
        } catch (RejectedMailException e) {
            reject(Path.of(path), fileName, e.getMessage());
            return;
        }
        publisher.publish(envelope, mail);
        LOG.info("Accepted mail {} from pickup file {} ({} bytes, {} recipients)", envelope.mailId(), fileName,
                mail.length, envelope.recipients().size());
    }

    private void reject(Path file, String fileName, String reason) throws IOException {
        Files.createDirectories(rejectedDir);
        Files.copy(file, rejectedDir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rejectedDir.resolve(fileName + ".reason"), reason + System.lineSeparator());
        LOG.warn("Rejected pickup file {}: {} (moved to {})", fileName, reason, rejectedDir);
    }

    /** A stable id for the same file content under the same name. */
    static String contentId(String fileName, byte[] mail) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(fileName.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(mail);
            return UUID.nameUUIDFromBytes(digest.digest()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
