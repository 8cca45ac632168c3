package io.mailgrid.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on 127.0.0.1 for tests of SMTP delivery: it records each mail's envelope and
 * exact bytes (no Received header added) and answers RCPT TO as scripted, so a test can make a
 * relay refuse (5xx) or defer (4xx) chosen recipients, hold a reply back (a slow relay) until the
 * test lets it go, or answer the end of DATA with a text of its choosing (a queue id, a forged line).
 */
public final class SmtpSink implements AutoCloseable {

    /** One mail the sink accepted: envelope and the bytes after SMTP dot-unstuffing. */
    public record Received(String from, List<String> recipients, byte[] bytes) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final Map<String, Hold> recipientHolds = new ConcurrentHashMap<>();
    private final Map<String, Hold> answerHolds = new ConcurrentHashMap<>();
    private volatile String dataReply;
    private final Set<String> mailSessions = ConcurrentHashMap.newKeySet();

    private SmtpSink(int port) {
        this.server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.test")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(context -> new Handler(context.getSessionId()))
                .build();
    }

    /** Starts a sink on this port of 127.0.0.1. */
    public static SmtpSink start(int port) {
        SmtpSink sink = new SmtpSink(port);
        sink.server.start();
        return sink;
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** Answers RCPT TO for this recipient with the reply (e.g. 550 "5.1.1 no such user"), always. */
    public SmtpSink refuse(String recipient, int code, String text) {
        scripts.put(recipient, new Script(code, text, Integer.MAX_VALUE));
        return this;
    }

    /** Answers RCPT TO for this recipient with the reply the first {@code times} times, then accepts it. */
    public SmtpSink refuseFirst(String recipient, int times, int code, String text) {
        scripts.put(recipient, new Script(code, text, times));
        return this;
    }

    /**
     * The first time this recipient is given in RCPT TO, the reply waits until {@link Hold#release()}:
     * a slow relay, with the client inside its mail transaction.
     */
    public Hold holdRecipient(String recipient) {
        Hold hold = new Hold();
        recipientHolds.put(recipient, hold);
        return hold;
    }

    /**
     * The first mail to this recipient is received whole, then the reply to its final dot waits until
     * {@link Hold#release()}; the mail counts as accepted when the reply goes out.
     */
    public Hold holdAnswer(String recipient) {
        Hold hold = new Hold();
        answerHolds.put(recipient, hold);
        return hold;
    }

    /**
     * From now on answers the end of DATA with 250 and this text, as a relay names its queue id in
     * it ({@code "2.0.0 Ok: queued as 4XyZ"}); a line break in the text makes a multi-line reply.
     * Null: the library's plain {@code 250 Ok}.
     */
    public SmtpSink replyToData(String text) {
        dataReply = text;
        return this;
    }

    /** A reply the sink holds back once, until the test releases it. */
    public static final class Hold {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean used = new AtomicBoolean();

        private void hold() {
            if (used.compareAndSet(false, true)) {
                held.countDown();
                try {
                    released.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Waits until a client is held here. */
        public void awaitHeld(Duration timeout) throws InterruptedException {
            if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no client reached the hold within " + timeout);
            }
        }

        /** Sends the held reply. */
        public void release() {
            released.countDown();
        }
    }

    /** Every accepted mail so far, in order. */
    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** How many times RCPT TO for this recipient was answered from the script. */
    public int refusals(String recipient) {
        AtomicInteger count = refusals.get(recipient);
        return count == null ? 0 : Math.min(count.get(), scripts.get(recipient).times());
    }

    /**
     * How many times each mail (by its stamp {@code X-Mailgrid-Id}) was relayed here: one per SMTP
     * transaction that ended in 250, so a second copy of a mail counts twice.
     */
    public Map<String, Integer> mailIdCounts() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        received.forEach(mail -> counts.merge(new Maildir.Delivered(java.nio.file.Path.of("relayed"), mail.bytes()).mailId(),
                1, Integer::sum));
        return counts;
    }

    /** How many SMTP connections (sessions) began at least one mail transaction (MAIL FROM). */
    public int connections() {
        return mailSessions.size();
    }

    /** Every recipient of every accepted mail, in order. */
    public List<String> recipients() {
        List<String> all = new ArrayList<>();
        received.forEach(mail -> all.addAll(mail.recipients()));
        return all;
    }

    @Override
    public void close() {
        server.stop();
    }

    private record Script(int code, String text, int times) {
    }

    private final class Handler implements MessageHandler {
        private final String session;
        private String from;
        private final List<String> recipients = new ArrayList<>();

        Handler(String session) {
            this.session = session;
        }

        @Override
        public void from(String sender) {
            from = sender;
            mailSessions.add(session);
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            Hold hold = recipientHolds.get(recipient);
            if (hold != null) {
                hold.hold();
            }
            Script script = scripts.get(recipient);
            if (script != null && refusals.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet() <= script.times()) {
                throw new RejectException(script.code(), script.text());
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            byte[] bytes = data.readAllBytes(); // throws if the client went away before the final dot
            for (String recipient : recipients) {
                Hold hold = answerHolds.get(recipient);
                if (hold != null) {
                    hold.hold();
                }
            }
            received.add(new Received(from, List.copyOf(recipients), bytes));
            return dataReply;
        }

        @Override
        public void done() {
        }
    }
}
