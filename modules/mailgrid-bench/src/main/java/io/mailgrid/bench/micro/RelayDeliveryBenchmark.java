package io.mailgrid.bench.micro;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import io.mailgrid.core.MailProperty;
import io.mailgrid.delivery.SmtpRelayDelivery;
import io.mailgrid.testing.SmtpSink;

/**
 * One relay delivery of a 2 KiB mail to a real SMTP server on 127.0.0.1 in the same JVM (the
 * test sink, which keeps each mail's bytes): {@code 8} = connections kept between mails (the
 * default, docs/adr/0044), {@code 0} = a new connection per mail, ended with QUIT (before). Wall
 * time per mail on one thread, client and server work together.
 */
public class RelayDeliveryBenchmark extends PerMailBenchmark {

    @Param({"8", "0"})
    int connections;

    private SmtpSink sink;
    private SmtpRelayDelivery delivery;
    private Map<String, Object> properties;
    private byte[] mail;

    @Setup
    public void setUp() {
        sink = SmtpSink.start(0);
        delivery = new SmtpRelayDelivery("127.0.0.1", sink.port(), Duration.ofSeconds(30), "bench", 5,
                new SmtpRelayDelivery.Reuse(connections, Duration.ofSeconds(10)), Clock.systemUTC());
        mail = Fixtures.mail(2048, "plain");
        properties = new HashMap<>();
        properties.put(MailProperty.MAIL_ID, "6f1c2e0a-0000-4000-8000-000000000001");
        properties.put(MailProperty.ORIGIN, "n1");
        properties.put(MailProperty.MAIL_FROM, "sender@example.com");
        properties.put(MailProperty.RCPT_TO, "rcpt@example.org");
        properties.put(MailProperty.SOURCE, "smtp");
        properties.put(MailProperty.RECEIVED_AT, Instant.parse("2026-12-01T12:00:00Z").toEpochMilli());
        properties.put(MailProperty.SIZE, (long) mail.length);
        properties.put(MailProperty.GENERATION, 0);
        properties.put(MailProperty.VERDICT, "CLEAN");
        properties.put(MailProperty.CHECKS, "pass-all");
        properties.put(MailProperty.PROCESSED_BY, "n1");
        properties.put(MailProperty.PROCESSED_AT, Instant.parse("2026-12-01T12:00:01Z").toEpochMilli());
        properties.put(MailProperty.DELIVERY_COUNT, 1);
    }

    @Benchmark
    public void relay() throws Exception {
        delivery.deliver(new HashMap<>(properties), mail);
    }

    @TearDown
    public void tearDown() {
        delivery.close();
        sink.close();
    }
}
