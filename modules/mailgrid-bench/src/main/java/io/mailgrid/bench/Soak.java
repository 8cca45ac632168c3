package io.mailgrid.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailgrid.delivery.NoDelaySocketFactory;

/**
 * The soak scenario ({@code ./mailgrid bench --scenarios soak --minutes 30}): run on demand, not
 * in CI. Three nodes on a standalone broker take SMTP load from clients that behave as MTAs do:
 * a mail that got no 250 (an error reply, a timeout, a lost connection) is sent again, the same
 * bytes and Message-ID, to the next node, until one answers 250. Meanwhile a fixed schedule hurts
 * the cluster every {@link #EVENT_EVERY}: kill -9 of a node (started again 5 s later), SIGSTOP of
 * a node for 15 s, kill -9 of the broker (started again at once).
 *
 * <p>Afterwards, with every process running again, the clients finish their pending mails and the
 * cluster drains; then every Maildir of the three nodes is read, {@code new/} and {@code cur/}:
 * accepted mails (a 250) that were never delivered are lost; a mail id in two files is a
 * duplicate delivery; a Message-ID in two files is a duplicate the sender sees (it includes mails
 * stored by a node whose 250 never reached the client, then resent).
 */
final class Soak {

    /** Time between two events of the schedule. */
    static final Duration EVENT_EVERY = Duration.ofSeconds(20);
    /** How long a paused node stays stopped. */
    static final Duration PAUSE = Duration.ofSeconds(15);
    private static final Duration RESTART_AFTER = Duration.ofSeconds(5);
    /** How long a client waits before sending a mail again after a failure. */
    private static final Duration RESEND_AFTER = Duration.ofSeconds(1);
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    private final Bench bench;
    private final Duration duration;
    private final int clients;
    private final double rate;
    private final PrintStream log;

    /**
     * @param duration how long load and events go on
     * @param clients  SMTP clients sending at once
     * @param rate     new mails per second, all clients together (resends come on top)
     */
    Soak(Bench bench, Duration duration, int clients, double rate, PrintStream log) {
        this.bench = bench;
        this.duration = duration;
        this.clients = clients;
        this.rate = rate;
        this.log = log;
    }

    /** What one client's mail went through. */
    private static final class Sent {
        final String messageId;
        final byte[] bytes;
        volatile int attempts;
        volatile String acceptedAs;

        Sent(String messageId, byte[] bytes) {
            this.messageId = messageId;
            this.bytes = bytes;
        }
    }

    Map<String, Object> run() throws Exception {
        Path routes = bench.routes(0);
        Map<String, Sent> sent = new ConcurrentHashMap<>();
        List<String> events = new ArrayList<>();
        try (Bench.Run run = bench.new Run("soak")) {
            List<Integer> smtpPorts = new ArrayList<>();
            for (String node : NODES) {
                int port = Bench.freePort();
                run.startNode(node, routes, port);
                smtpPorts.add(port);
            }
            AtomicBoolean generating = new AtomicBoolean(true);
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(threads.submit(() -> {
                    client(client, smtpPorts, generating, next, start, sent);
                    return null;
                }));
            }
            chaos(run, start, events);
            generating.set(false);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            log.printf("soak: load stopped after %d mails; clients finish their pending mails ...%n", next.get());
            for (Future<?> client : running) {
                client.get(15, TimeUnit.MINUTES);
            }
            threads.shutdownNow();
            List<Path> maildirs = NODES.stream().map(run::outbox).toList();
            awaitDrained(sent, maildirs);
            Map<String, Object> report = report(sent, maildirs, events, Duration.ofNanos(System.nanoTime() - start));
            report.put("loadSeconds", Stats.round(loadSeconds, 1)); // the last event's restart runs past the duration
            return report;
        }
    }

    /** The schedule: one event every EVENT_EVERY until the duration is over, in a fixed rotation. */
    private void chaos(Bench.Run run, long start, List<String> events) throws Exception {
        long end = start + duration.toNanos();
        int event = 0;
        long due = start + EVENT_EVERY.toNanos();
        while (due < end) {
            BenchProcess.pause(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            String node = NODES.get(event % NODES.size());
            String what;
            switch (event % 4) {
                case 0 -> {
                    what = "kill -9 " + node;
                    run.node(node).kill9();
                    BenchProcess.pause(RESTART_AFTER.toMillis());
                    run.restartNode(node);
                }
                case 1 -> {
                    what = "SIGSTOP " + node + " for " + PAUSE.toSeconds() + " s";
                    run.node(node).signal("STOP");
                    BenchProcess.pause(PAUSE.toMillis());
                    run.node(node).signal("CONT");
                }
                case 2 -> {
                    what = "kill -9 " + node;
                    run.node(node).kill9();
                    BenchProcess.pause(RESTART_AFTER.toMillis());
                    run.restartNode(node);
                }
                default -> {
                    what = "kill -9 broker";
                    run.killAndRestartBroker();
                }
            }
            String line = String.format("%6.1f s  %s", (due - start) / 1e9, what);
            events.add(line);
            log.println("soak: " + line);
            event++;
            due += EVENT_EVERY.toNanos();
        }
        BenchProcess.pause(Math.max(0, (end - System.nanoTime()) / 1_000_000));
    }

    /**
     * One MTA-like client: new mails at its share of the rate while generating, each sent until a
     * node answers 250, trying the next node after any failure.
     */
    private void client(int client, List<Integer> ports, AtomicBoolean generating, AtomicInteger next, long start,
            Map<String, Sent> sent) throws Exception {
        BenchMails generator = new BenchMails(2048, client);
        List<Sent> pending = new ArrayList<>();
        int target = client;
        Connection connection = null;
        try {
            while (generating.get() || !pending.isEmpty()) {
                if (pending.isEmpty()) {
                    int n = next.getAndIncrement();
                    long due = start + (long) (n / rate * 1e9);
                    while (System.nanoTime() < due && generating.get()) {
                        BenchProcess.pause(1);
                    }
                    if (!generating.get()) {
                        break;
                    }
                    String messageId = "<soak-" + n + "." + client + "@bench>";
                    Sent mail = new Sent(messageId, generator.mail(n, messageId));
                    sent.put(messageId, mail);
                    pending.add(mail);
                }
                Sent mail = pending.get(0);
                mail.attempts++;
                try {
                    if (connection == null) {
                        connection = new Connection(ports.get(target % ports.size()));
                    }
                    mail.acceptedAs = connection.send(mail.bytes, "rcpt" + client + "@example.org");
                    pending.remove(0);
                } catch (MessagingException | IOException | RuntimeException e) {
                    // no 250: as an MTA, keep the mail and try the next node a moment later
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                    target++;
                    BenchProcess.pause(RESEND_AFTER.toMillis());
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Waits until every accepted mail is in a Maildir, or nothing new arrived for 60 s (15 min at most). */
    private void awaitDrained(Map<String, Sent> sent, List<Path> maildirs) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        int last = -1;
        long progressAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Set<String> delivered = read(maildirs).keySet();
            long missing = sent.values().stream().filter(m -> m.acceptedAs != null && !delivered.contains(m.messageId)).count();
            if (missing == 0) {
                BenchProcess.pause(5000); // late duplicates still count
                return;
            }
            if (delivered.size() != last) {
                last = delivered.size();
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > TimeUnit.SECONDS.toNanos(60)) {
                return;
            }
            BenchProcess.pause(1000);
        }
    }

    /** Every delivered file in new/ and cur/ of the Maildirs: Message-ID -> the mail ids of its files. */
    private static Map<String, List<String>> read(List<Path> maildirs) throws IOException {
        Map<String, List<String>> byMessageId = new TreeMap<>();
        for (Path maildir : maildirs) {
            for (String sub : new String[] {"new", "cur"}) {
                Path dir = maildir.resolve(sub);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path file : files) {
                        Map<String, String> headers = headers(file);
                        byMessageId.computeIfAbsent(headers.getOrDefault("message-id", "?" + file.getFileName()),
                                k -> new ArrayList<>()).add(headers.getOrDefault("x-mailgrid-id", "?"));
                    }
                }
            }
        }
        return byMessageId;
    }

    /** X-Mailgrid-Id and Message-ID from the head of a delivered file. */
    private static Map<String, String> headers(Path file) throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                if (name.equals("message-id") || name.equals("x-mailgrid-id")) {
                    found.putIfAbsent(name, line.substring(colon + 1).trim());
                }
            }
        }
        return found;
    }

    private Map<String, Object> report(Map<String, Sent> sent, List<Path> maildirs, List<String> events, Duration took)
            throws IOException {
        Map<String, List<String>> delivered = read(maildirs);
        int accepted = 0;
        int resent = 0;
        int neverAccepted = 0;
        List<String> lost = new ArrayList<>();
        for (Sent mail : sent.values()) {
            resent += mail.attempts > 1 ? 1 : 0;
            if (mail.acceptedAs == null) {
                neverAccepted++;
                continue;
            }
            accepted++;
            if (!delivered.containsKey(mail.messageId)) {
                lost.add(mail.messageId + " (" + mail.acceptedAs + ")");
            }
        }
        Map<String, Integer> filesPerMailId = new TreeMap<>();
        int files = 0;
        List<String> twiceByMessageId = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : delivered.entrySet()) {
            files += entry.getValue().size();
            entry.getValue().forEach(id -> filesPerMailId.merge(id, 1, Integer::sum));
            if (entry.getValue().size() > 1) {
                twiceByMessageId.add(entry.getKey() + " " + entry.getValue());
            }
        }
        List<String> twiceByMailId = filesPerMailId.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("minutes", Stats.round(duration.toSeconds() / 60.0, 1));
        result.put("clients", clients);
        result.put("ratePerSecond", rate);
        result.put("events", events);
        result.put("generated", sent.size());
        result.put("accepted", accepted);
        result.put("resent", resent);
        result.put("neverAccepted", neverAccepted);
        result.put("deliveredFiles", files);
        result.put("lost", lost.size());
        result.put("duplicatesByMailId", twiceByMailId.size());
        result.put("duplicatesByMessageId", twiceByMessageId.size());
        result.put("lostExamples", lost.stream().limit(20).toList());
        result.put("duplicateMailIdExamples", twiceByMailId.stream().limit(20).toList());
        result.put("duplicateMessageIdExamples", twiceByMessageId.stream().limit(20).toList());
        result.put("seconds", Stats.round(took.toMillis() / 1000.0, 1));
        return result;
    }

    /** One SMTP connection of a client; the node's mail id from the 250 reply. */
    private static final class Connection implements AutoCloseable {
        private final Session session;
        private final SMTPTransport transport;

        Connection(int port) throws MessagingException {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(port));
            props.put("mail.smtp.from", "soak@example.com");
            props.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
            // an MTA waits minutes for the reply to the final dot; long enough to outlast a 15 s pause
            props.put("mail.smtp.connectiontimeout", "10000");
            props.put("mail.smtp.timeout", "60000");
            props.put("mail.smtp.writetimeout", "60000");
            session = Session.getInstance(props);
            transport = (SMTPTransport) session.getTransport("smtp");
            transport.connect();
        }

        String send(byte[] mail, String recipient) throws MessagingException, IOException {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(mail));
            transport.sendMessage(message, new Address[] {new InternetAddress(recipient)});
            String reply = transport.getLastServerResponse();
            return Bench.SmtpSender.acceptedAs(reply).orElseThrow(() -> new IOException("no 250: " + reply));
        }

        @Override
        public void close() {
            try {
                transport.close();
            } catch (MessagingException e) {
                // the connection is gone either way
            }
        }
    }
}
