package io.mailgrid.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.ingress.HeaderEnvelope;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.ingress.PublishException;
import io.mailgrid.ingress.RejectedMailException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code mailgrid submit}: publishes .eml files to a node's mailbox and prints one mail id per
 * file. The envelope comes from the mail's headers unless --from/--to are given.
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

    @Option(names = "--to", paramLabel = "ADDRESS", description = "Envelope recipient, repeatable (default: To, Cc, Bcc)")
    List<String> to;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Mail files (RFC 5322)")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(MailgridConfig.NODE_NAME, node);
        overrides.put(MailgridConfig.BROKER_URL, broker);
        MailgridConfig config = options.load(overrides);
        String origin = NodeSettings.from(config).name();

        int failures = 0;
        ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
        try (factory; MailPublisher publisher = new MailPublisher(factory)) {
            for (Path file : files) {
                try {
                    byte[] mail = Files.readAllBytes(file);
                    if (mail.length == 0) {
                        throw new RejectedMailException("the file is empty");
                    }
                    HeaderEnvelope.Addresses fromHeaders = to == null || from == null ? HeaderEnvelope.derive(mail) : null;
                    Envelope envelope = Envelope.received(origin,
                            from != null ? from : fromHeaders.mailFrom(),
                            to != null ? to : fromHeaders.recipients(), "submit", Instant.now(), mail.length);
                    publisher.publish(envelope, mail);
                    System.out.println(envelope.mailId());
                } catch (RejectedMailException | IllegalArgumentException e) {
                    System.err.println("mailgrid submit: " + file + ": rejected: " + e.getMessage());
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
}
