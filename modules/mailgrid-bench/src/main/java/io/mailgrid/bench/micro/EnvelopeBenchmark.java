package io.mailgrid.bench.micro;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.util.CaseInsensitiveMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Stamp;
import io.mailgrid.core.Verdict;
import io.mailgrid.ingress.HeaderEnvelope;
import io.mailgrid.ingress.IngressHeaders;
import io.mailgrid.ingress.MailBody;
import io.mailgrid.ingress.RejectedMailException;
import io.mailgrid.ingress.ResendKey;

/**
 * The per-mail mapping between a mail and its message properties, without a broker:
 * <ul>
 * <li>{@link #writeToMessage}: ingress ({@code MailPublisher}) writes the envelope into the
 *     properties of a new Artemis client message, once per mail received. Includes making the
 *     message (an Artemis {@code ClientMessageImpl} as a session would, without its body).</li>
 * <li>{@link #fromHeaders}: every check step and every delivery reads the envelope back from the
 *     properties as Camel presents them (a case-insensitive header map).</li>
 * <li>{@link #stamp}: delivery renders the {@code X-Mailgrid-*} header block from the properties
 *     for every mail it writes to the Maildir or relays.</li>
 * <li>{@link #headerEnvelope}: pickup and submit derive sender and recipients from the mail's
 *     own headers (the header block, then Jakarta Mail's address parser), once per mail.</li>
 * <li>{@link #ingressHeaders}: every ingress (SMTP too) looks for incoming {@code X-Mailgrid-*}
 *     fields to remove, once per mail; this mail has none, the usual case.</li>
 * <li>{@link #resendKey}: SMTP ingress finds the Message-ID and digests it with the envelope and the
 *     body's digest (taken as the body arrives, not measured here), once per mail received.</li>
 * </ul>
 * None depends on the mail's size (the stamp looks only at the first line ending, the header
 * parser stops at the end of the header block), so one 20 KiB mail is used.
 */
public class EnvelopeBenchmark extends PerMailBenchmark {

    private static final byte[] DIGEST = new byte[32];

    private byte[] mail;
    private Envelope envelope;
    private Map<String, Object> headers;

    @Setup
    public void setUp() throws JMSException {
        mail = Fixtures.mail(20480, "html");
        envelope = Fixtures.envelope(mail);
        Message written = writeToMessage();
        // what the delivery route sees: the properties as Camel's JMS binding extracts them, plus
        // those the grabber sets while it runs the policy chain
        headers = new CaseInsensitiveMap();
        for (Object name : Collections.list(written.getPropertyNames())) {
            headers.put(name.toString(), written.getObjectProperty(name.toString()));
        }
        headers.put(MailProperty.ATTEMPT, 1);
        headers.put(MailProperty.VERDICT, Verdict.CLEAN.name());
        headers.put(MailProperty.CHECKS, "attachment-policy,content-rules");
        headers.put(MailProperty.PROCESSED_BY, "n2");
        headers.put(MailProperty.PROCESSED_AT, 1_795_000_000_000L);
        if (!envelope.equals(Envelope.fromHeaders(headers))) {
            throw new IllegalStateException("the envelope does not survive its message properties");
        }
    }

    @Benchmark
    public Message writeToMessage() throws JMSException {
        ActiveMQMessage message = new ActiveMQMessage(new ClientMessageImpl(
                org.apache.activemq.artemis.api.core.Message.BYTES_TYPE, true, 0, System.currentTimeMillis(),
                (byte) 4, 1500), null);
        message.clearProperties(); // this constructor is meant for received messages: properties read-only
        envelope.writeTo(message);
        return message;
    }

    @Benchmark
    public Envelope fromHeaders() {
        return Envelope.fromHeaders(headers);
    }

    @Benchmark
    public byte[] stamp() {
        return Stamp.render(headers, mail);
    }

    @Benchmark
    public HeaderEnvelope.Addresses headerEnvelope() throws RejectedMailException {
        return HeaderEnvelope.derive(mail);
    }

    @Benchmark
    public IngressHeaders.Rewritten ingressHeaders() {
        return IngressHeaders.rewrite(mail, IngressHeaders.Recipients.GIVEN);
    }

    @Benchmark
    public Optional<String> resendKey() {
        return ResendKey.of(MailBody.of(mail), DIGEST, envelope.mailFrom(), envelope.recipients());
    }
}
