package io.mailgrid.node.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import jakarta.jms.JMSRuntimeException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.checks.PolicyModel;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.ingress.HeaderEnvelope;
import io.mailgrid.ingress.IngressHeaders;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.ingress.MailFile;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.ingress.PickupSettings;
import io.mailgrid.ingress.PublishException;
import io.mailgrid.ingress.PublishHeldBackException;
import io.mailgrid.ingress.PublishUnavailableException;
import io.mailgrid.ingress.RejectedMailException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code mailgrid submit}: publishes .eml files to a node's mailbox and prints one mail id per
 * file. The envelope comes from the mail's headers unless --from/--to are given; when the
 * recipients come from the headers, Bcc fields are removed (as {@code sendmail -t}). Incoming
 * {@code X-Mailgrid-*} fields are always removed, and a file over {@code mailgrid.pickup.size-limit}
 * is refused unread. The mail requires the checks that node announces in its heartbeat (as its own
 * ingress would stamp them), or, for a node that never ran, those of this installation's routes and
 * settings.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Publish .eml files to a node's mailbox; prints one mail id per file.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    MailgridCommand.ConfigOptions options;

    @Option(names = "--node", paramLabel = "NAME", description = "Node whose mailbox receives the mail (default: host name)")
    String node;

    @Option(names = "--broker", paramLabel = "URL", description = "Broker URL (default: the embedded broker's address)")
    String broker;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "Envelope sender (default: from the headers)")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "Envelope recipient, repeatable (default: To, Cc and Bcc, and the Bcc lines are removed)")
    List<String> to;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Mail files (RFC 5322)")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(CoreSettingsCatalog.NODE_NAME, node);
        overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
        MailgridConfig config = options.load(overrides);
        String origin = NodeSettings.from(config).name();
        long sizeLimit = PickupSettings.from(config).sizeLimit();

        int failures = 0;
        ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
        try (factory; MailPublisher publisher = new MailPublisher(factory, required(factory, config, origin),
                SendDeadline.timeout(config))) {
            for (Path file : files) {
                try {
                    byte[] read = MailFile.read(file, sizeLimit, IngressSettingsCatalog.PICKUP_SIZE_LIMIT, true);
                    HeaderEnvelope.Addresses fromHeaders = to == null || from == null ? HeaderEnvelope.derive(read) : null;
                    byte[] mail = IngressHeaders.rewrite(read,
                            to == null ? IngressHeaders.Recipients.FROM_HEADERS : IngressHeaders.Recipients.GIVEN).mail();
                    Envelope envelope = Envelope.received(origin,
                            from != null ? from : fromHeaders.mailFrom(),
                            to != null ? to : fromHeaders.recipients(), IngressSource.SUBMIT.wireName(), Instant.now(), mail.length);
                    publisher.publish(envelope, mail);
                    System.out.println(envelope.mailId());
                } catch (RejectedMailException | IllegalArgumentException e) {
                    System.err.println("mailgrid submit: " + file + ": rejected: " + e.getMessage());
                    failures++;
                } catch (PublishHeldBackException e) {
                    System.err.println("mailgrid submit: " + file + ": not accepted, try again once the broker has room: "
                            + e.getMessage());
                    failures++;
                } catch (PublishUnavailableException e) {
                    System.err.println("mailgrid submit: " + file + ": not accepted, try again once the broker answers: "
                            + e.getMessage());
                    failures++;
                } catch (PublishException e) {
                    System.err.println("mailgrid submit: " + file + ": not accepted, try again: " + e.getMessage());
                    failures++;
                } catch (java.io.IOException e) {
                    System.err.println("mailgrid submit: " + file + ": cannot read: " + e.getMessage());
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : MailgridCommand.EXIT_FAILURE;
    }

    /** The checks the origin node requires: from its latest heartbeat, else from the local routes and settings. */
    private static RequiredChecks required(ActiveMQConnectionFactory factory, MailgridConfig config, String origin) {
        try {
            Optional<RequiredChecks> announced = HeartbeatChannel.readStatus(factory, Instant.now()).stream()
                    .filter(status -> status.heartbeat().node().equals(origin))
                    .map(status -> RequiredChecks.of(status.heartbeat().required()))
                    .findFirst();
            if (announced.isPresent()) {
                return announced.get();
            }
        } catch (JMSRuntimeException e) {
            // the broker is not there: each publish below fails with its own message
        }
        return RequiredChecks.forNode(config, PolicyModel.chainOf(Path.of(config.string(CoreSettingsCatalog.ROUTES_DIR)),
                config.asProperties()), false);
    }
}
