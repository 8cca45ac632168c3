package io.mailgrid.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.delivery.NoDelaySocketFactory;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.node.cli.MailgridHome;
import io.mailgrid.testing.ClamAv;

/**
 * The benchmark scenarios. Each starts real processes (a standalone {@code mailgrid broker}, node
 * processes) in a fresh work directory, pushes mail, and measures from "accepted" (the publish or
 * SMTP 250 returned) to "delivered" (the file appeared in the Maildir).
 */
final class Bench {

    /** Settings shared by the scenarios. */
    record Settings(Path work, int mails, int size, int producers, String ingress, String heap, List<String> nodeJvmOptions) {
    }

    /** Figures of one pipeline run. */
    record PipelineResult(int nodes, int mails, double mailsPerSecond, Map<String, Double> latencyMs,
            List<ProcessFigures> processes, Map<String, Double> cpuMsPerMail, int lost, int duplicates,
            WarmupRule.Summary warmup) {
    }

    /** Figures of one raw broker run: the broker process and the bench's own JVM (its producers and consumers). */
    record RawResult(double mailsPerSecond, List<ProcessFigures> processes, Map<String, Double> cpuMsPerMail,
            WarmupRule.Summary warmup) {
    }

    /** CPU and memory of one process over a run. */
    record ProcessFigures(String name, double cpuSeconds, double peakRssMib) {
    }

    private final Settings settings;
    private final MailgridHome home = MailgridHome.fromSystem();
    private int runCounter;

    /** How each run warms up: JIT compilation and connections are not part of the measured figures (ADR 0043). */
    private WarmupRule.Setting warmup = WarmupRule.Setting.AUTO;
    /** A run's journals and Maildirs are a gigabyte after a long warm-up: deleted once measured unless kept. */
    private boolean keepData;

    Bench(Settings settings) {
        this.settings = settings;
    }

    /** Keeps each run's journals and Maildirs after it is measured (--keep-data); only its logs stay otherwise. */
    Bench keepData(boolean keep) {
        this.keepData = keep;
        return this;
    }

    /** Sets how each run warms up (--warmup). */
    Bench warmup(WarmupRule.Setting setting) {
        this.warmup = setting;
        return this;
    }

    /** One warm-up round: sends this many mails and returns once each has its outcome. */
    @FunctionalInterface
    interface WarmupRound {
        void send(int mails) throws Exception;
    }

    /** What the warm-up rule measures: CPU seconds so far of the processes a run measures. */
    @FunctionalInterface
    interface CpuMeter {
        double seconds();
    }

    /**
     * Warm-up rounds until the rule says the processes are warm (or an exact count was sent).
     *
     * @param scenarioMails the run's measured mails: a fixed count is at most this, as it always was
     */
    private WarmupRule.Summary warmUp(int scenarioMails, WarmupRound round, CpuMeter cpu) throws Exception {
        WarmupRule rule = warmup.start(scenarioMails, Clock.systemUTC());
        for (int mails = rule.nextRound(); mails > 0; mails = rule.nextRound()) {
            double before = cpu.seconds();
            round.send(mails);
            rule.after(mails, cpu.seconds() - before);
        }
        return rule.summary();
    }

    /** CPU ms per measured mail of each process, and of all together. */
    static Map<String, Double> cpuMsPerMail(List<ProcessFigures> processes, int mails) {
        Map<String, Double> cpuPerMail = new LinkedHashMap<>();
        double total = 0;
        for (ProcessFigures process : processes) {
            cpuPerMail.put(process.name(), Stats.round(process.cpuSeconds() * 1000 / mails, 2));
            total += process.cpuSeconds();
        }
        cpuPerMail.put("all", Stats.round(total * 1000 / mails, 2));
        return cpuPerMail;
    }

    private static double benchCpuSeconds() {
        return BenchProcess.cpuSeconds(ProcessHandle.current().pid());
    }

    /**
     * Deletes what a run wrote (the broker's journal, the nodes' data and Maildirs) except its logs: a
     * set of runs left 6.6 GB behind, and a broker holds every producer back once its disk is nearly full.
     */
    static void deleteAllButLogs(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals("logs")) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            System.err.println("mailgrid bench: could not delete the data of " + dir + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The bench's own JVM as a measured process: CPU seconds since {@code cpuBefore}, and its peak RSS. */
    private static ProcessFigures benchFigures(double cpuBefore) {
        return new ProcessFigures("bench", Stats.round(benchCpuSeconds() - cpuBefore, 2),
                Stats.round(BenchProcess.peakRssMib(ProcessHandle.current().pid()), 1));
    }

    /** A broker process and node processes in one run directory. */
    final class Run implements AutoCloseable {
        final Path dir;
        final int port = freePort();
        BenchProcess broker;
        final List<BenchProcess> nodes = new ArrayList<>();
        final MailgridConfig client;
        /** How each node was started, so that it can be started again the same way. */
        private final Map<String, List<String>> nodeJvm = new LinkedHashMap<>();
        private final Map<String, String[]> nodeArgs = new LinkedHashMap<>();

        Run(String name) throws IOException {
            this.dir = settings.work().resolve(String.format("%02d-%s", ++runCounter, name));
            Files.createDirectories(dir);
            broker = startBroker();
            client = MailgridConfig.load(home.defaultConfigFile(), Map.of(), new Properties(),
                    Map.of(CoreSettingsCatalog.BROKER_URL, url()));
        }

        private BenchProcess startBroker() throws IOException {
            return BenchProcess.start("broker", dir.resolve("logs"), List.of("-Xmx" + settings.heap()),
                    "broker", "--data", dir.resolve("broker").toString(), "--port", String.valueOf(port));
        }

        /** kill -9 of the broker, then the same broker (journal, port) started again. */
        void killAndRestartBroker() throws IOException {
            broker.kill9();
            broker = startBroker();
        }

        /** The running process of a node. */
        BenchProcess node(String name) {
            return nodes.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
        }

        /** Starts a node again as it was started first (after kill -9): same data, ports and settings. */
        void restartNode(String name) throws IOException {
            BenchProcess old = node(name);
            old.kill9();
            BenchProcess again = BenchProcess.start(name, dir.resolve("logs"), nodeJvm.get(name), nodeArgs.get(name));
            nodes.set(nodes.indexOf(old), again);
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        BenchProcess startNode(String node, Path routes, int smtpPort) throws IOException {
            return startNode(node, routes, smtpPort, List.of());
        }

        /** Starts a node with extra JVM options (settings as -D) after the bench-wide ones. */
        BenchProcess startNode(String node, Path routes, int smtpPort, List<String> options) throws IOException {
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + settings.heap()));
            jvm.addAll(settings.nodeJvmOptions());
            jvm.addAll(options);
            String[] args = {"run", "--node", node, "--data", dataDir(node).toString(), "--broker", url(),
                "--routes", routes.toString(), "--smtp-port", String.valueOf(smtpPort)};
            BenchProcess process = BenchProcess.start(node, dir.resolve("logs"), jvm, args);
            nodes.add(process);
            nodeJvm.put(node, jvm);
            nodeArgs.put(node, args);
            if (Files.readString(dir.resolve("logs").resolve(node + ".log")).contains("is now MAINTENANCE")) {
                throw new IOException(node + " went into maintenance (a check is unavailable): see its log");
            }
            return process;
        }

        Path dataDir(String node) {
            return dir.resolve("nodes").resolve(node);
        }

        Path outbox(String node) {
            return dataDir(node).resolve("outbox");
        }

        List<ProcessFigures> figures(Map<String, Double> cpuBefore) {
            List<ProcessFigures> figures = new ArrayList<>();
            for (BenchProcess p : allProcesses()) {
                figures.add(new ProcessFigures(p.name, Stats.round(p.cpuSeconds() - cpuBefore.getOrDefault(p.name, 0.0), 2),
                        Stats.round(p.peakRssMib(), 1)));
            }
            return figures;
        }

        Map<String, Double> cpuNow() {
            Map<String, Double> cpu = new LinkedHashMap<>();
            allProcesses().forEach(p -> cpu.put(p.name, p.cpuSeconds()));
            return cpu;
        }

        /** CPU seconds so far of the broker and the nodes together. */
        double cpuSecondsNow() {
            return cpuNow().values().stream().mapToDouble(Double::doubleValue).sum();
        }

        private List<BenchProcess> allProcesses() {
            List<BenchProcess> all = new ArrayList<>(nodes);
            all.add(0, broker);
            return all;
        }

        @Override
        public void close() {
            nodes.forEach(BenchProcess::close);
            broker.close();
            if (!keepData) {
                deleteAllButLogs(dir);
            }
        }
    }

    /**
     * Routes for a run: the shipped ones with the policy chain replaced by the CLEAN-only chain
     * (check:pass-all), optionally after a delay that stands for a check waiting on I/O (a scanner
     * taking 50 ms). The chain with the real checks needs a scanner on every node; its cost is
     * outside what this benchmark compares with the broker.
     */
    Path routes(long checkDelayMillis) throws IOException {
        Path shipped = home.path().resolve("routes");
        Path copy = settings.work().resolve("routes-clean-" + checkDelayMillis + "ms");
        if (!Files.isDirectory(copy)) {
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(shipped)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String xml = Files.readString(file, StandardCharsets.UTF_8);
                    if (file.getFileName().toString().equals("policy.xml")) {
                        String delay = checkDelayMillis > 0 ? "<delay><constant>" + checkDelayMillis + "</constant></delay>\n    " : "";
                        xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- bench: the CLEAN-only chain -->\n"
                                + "<routes xmlns=\"http://camel.apache.org/schema/spring\">\n"
                                + "  <route id=\"policy-chain\" routeConfigurationId=\"policy-errors\">\n"
                                + "    <from uri=\"direct:policy-chain\"/>\n    " + delay + "<to uri=\"check:pass-all\"/>\n"
                                + "  </route>\n</routes>\n";
                    }
                    Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
                }
            }
        }
        return copy;
    }

    /**
     * The broker's own limit: plain JMS, same size, persistent sends (blocking, as ingress), and
     * transacted receives committed one by one (as the grabbers), same number of producers and
     * consumers, no Camel, no checks.
     */
    RawResult rawBroker(int consumers) throws Exception {
        try (Run run = new Run("raw-broker");
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(run.client)) {
            // the producers and consumers are threads of this JVM: its CPU is part of what warms up
            WarmupRule.Summary warm = warmUp(settings.mails(), mails -> rawRound(factory, consumers, mails),
                    () -> run.cpuSecondsNow() + benchCpuSeconds());
            double brokerBefore = run.broker.cpuSeconds();
            double benchBefore = benchCpuSeconds();
            double rate = rawRound(factory, consumers, settings.mails());
            List<ProcessFigures> processes = List.of(
                    new ProcessFigures("broker", Stats.round(run.broker.cpuSeconds() - brokerBefore, 2),
                            Stats.round(run.broker.peakRssMib(), 1)),
                    benchFigures(benchBefore));
            return new RawResult(Stats.round(rate, 1), processes, cpuMsPerMail(processes, settings.mails()), warm);
        }
    }

    private double rawRound(ActiveMQConnectionFactory factory, int consumers, int total) throws Exception {
        byte[] body = new BenchMails(settings.size(), 1).mail(0, "<raw@bench>");
        AtomicInteger received = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(settings.producers() + consumers);
        List<Future<?>> tasks = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            tasks.add(threads.submit(() -> {
                try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED);
                        JMSConsumer consumer = context.createConsumer(context.createQueue("mailgrid.mailbox.bench-raw"))) {
                    while (received.get() < total) {
                        if (consumer.receive(200) != null) {
                            context.commit();
                            if (received.incrementAndGet() == total) {
                                done.countDown();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        AtomicInteger sent = new AtomicInteger();
        for (int p = 0; p < settings.producers(); p++) {
            tasks.add(threads.submit(() -> {
                try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                    Queue queue = context.createQueue("mailgrid.mailbox.bench-raw");
                    JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    while (sent.getAndIncrement() < total) {
                        BytesMessage message = context.createBytesMessage();
                        message.writeBytes(body);
                        producer.send(queue, message);
                    }
                }
                return null;
            }));
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!done.await(200, TimeUnit.MILLISECONDS)) {
                for (Future<?> task : tasks) {
                    if (task.isDone()) {
                        task.get(); // a producer or consumer that failed: its exception ends the run
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw broker run did not finish: " + received.get() + " of " + total);
                }
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Mail through {@code nodes} node processes, spread over their mailboxes, as fast as the
     * producers can hand it over ({@code rate <= 0}) or at a fixed rate in mails per second.
     */
    PipelineResult pipeline(String name, int nodes, int mails, long checkDelayMillis, double rate) throws Exception {
        Path routes = routes(checkDelayMillis);
        try (Run run = new Run(name)) {
            List<String> names = new ArrayList<>();
            List<Integer> smtpPorts = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) {
                int smtp = settings.ingress().equals("smtp") ? freePort() : 0;
                run.startNode("n" + i, routes, smtp);
                names.add("n" + i);
                smtpPorts.add(smtp);
            }
            // warm-up: JIT compilation and connection set-up are not part of the sustained figures
            Deliveries warm = new Deliveries(names.stream().map(run::outbox).toList());
            Set<String> warmed = ConcurrentHashMap.newKeySet();
            WarmupRule.Summary warmup = warmUp(mails, round -> {
                warmed.addAll(send(run, names, smtpPorts, round, rate, warm).keySet());
                long warmDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (warm.poll() < warmed.size() && System.nanoTime() < warmDeadline) {
                    BenchProcess.pause(Deliveries.LOOK_EVERY_MILLIS);
                }
                warm.markAllRead();
            }, run::cpuSecondsNow);
            Deliveries deliveries = new Deliveries(names.stream().map(run::outbox).toList(), warmed);
            Map<String, Double> cpuBefore = run.cpuNow();
            double benchBefore = benchCpuSeconds();
            Map<String, Long> acceptedAt = send(run, names, smtpPorts, mails, rate, deliveries);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (deliveries.poll() < acceptedAt.size() && System.nanoTime() < deadline) {
                BenchProcess.pause(Deliveries.LOOK_EVERY_MILLIS);
            }
            return result(run, nodes, acceptedAt, deliveries, cpuBefore, benchBefore, warmup);
        }
    }

    /** Figures of one chain of the scanner scenario: SMTP in, relay delivery out, EICAR in some mails. */
    record ScannerResult(String chain, int mails, int infected, double mailsPerSecond, Map<String, Double> latencyMs,
            int delivered, int quarantined, int lost, int duplicates, List<ProcessFigures> processes,
            Map<String, Double> cpuMsPerMail, WarmupRule.Summary warmup) {
    }

    /** Every tenth mail of the scanner scenario carries the EICAR test file. */
    static final int INFECTED_EVERY = 10;

    /**
     * One node with this chain, SMTP from the producers, relay delivery to the bench's sink;
     * outcomes are mails the sink received and mails that reached the quarantine.
     *
     * @param scanners the bench's clamd, or null for the pass-all chain where there is none
     */
    ScannerResult scanner(BenchScanners.Chain chain, BenchScanners scanners) throws Exception {
        Path routes = BenchScanners.routes(settings.work(), chain);
        AtomicReference<Deliveries> outcomes = new AtomicReference<>(new Deliveries(List.of()));
        Set<String> quarantined = ConcurrentHashMap.newKeySet();
        try (Run run = new Run("scanner-" + chain.label);
                BenchSink sink = new BenchSink((id, at) -> outcomes.get().record(id, at));
                // taking mail from the quarantine is the operator's right, not a node's (ADR 0022)
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(run.client, BrokerLogin.OPERATOR);
                JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer quarantine = context.createConsumer(context.createQueue(Queues.QUARANTINE))) {
            quarantine.setMessageListener(message -> {
                try {
                    String id = message.getStringProperty(MailProperty.MAIL_ID);
                    long at = System.nanoTime();
                    quarantined.add(id);
                    outcomes.get().record(id, at);
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> options = new ArrayList<>(List.of("-D" + DeliverySettingsCatalog.DELIVERY_RELAY + "=" + sink.relayUrl()));
            if (scanners != null) {
                options.addAll(scanners.nodeOptions());
            }
            int smtp = freePort();
            run.startNode("n1", routes, smtp, options);
            List<String> node = List.of("n1");
            List<Integer> port = List.of(smtp);

            Deliveries warm = outcomes.get();
            Set<String> warmed = ConcurrentHashMap.newKeySet();
            WarmupRule.Summary warmup = warmUp(settings.mails(), round -> {
                warmed.addAll(send(run, node, port, round, 0, warm, INFECTED_EVERY).keySet());
                awaitOutcomes(warm, warmed.size());
            }, run::cpuSecondsNow);
            Deliveries measured = new Deliveries(List.of(), warmed);
            outcomes.set(measured);
            Map<String, Double> cpuBefore = run.cpuNow();
            double clamdBefore = scanners == null ? 0 : BenchProcess.cpuSeconds(scanners.pid());
            double benchBefore = BenchProcess.cpuSeconds(ProcessHandle.current().pid());
            Map<String, Long> acceptedAt = send(run, node, port, settings.mails(), 0, measured, INFECTED_EVERY);
            awaitOutcomes(measured, acceptedAt.size());

            List<ProcessFigures> processes = new ArrayList<>(run.figures(cpuBefore));
            if (scanners != null) {
                processes.add(new ProcessFigures("clamd", Stats.round(BenchProcess.cpuSeconds(scanners.pid()) - clamdBefore, 2),
                        Stats.round(BenchProcess.peakRssMib(scanners.pid()), 1)));
            }
            processes.add(benchFigures(benchBefore));
            return scannerResult(chain, acceptedAt, measured, quarantined, processes, warmup);
        }
    }

    /** Waits until every accepted mail has an outcome, for at most 10 minutes, or 60 s without progress. */
    private static void awaitOutcomes(Deliveries outcomes, int expected) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int seen = -1;
        long progressAt = System.nanoTime();
        while (outcomes.poll() < expected && System.nanoTime() < deadline) {
            int now = outcomes.count();
            if (now != seen) {
                seen = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > TimeUnit.SECONDS.toNanos(60)) {
                return; // stuck: what is missing is reported as lost
            }
            BenchProcess.pause(Deliveries.LOOK_EVERY_MILLIS);
        }
    }

    private static ScannerResult scannerResult(BenchScanners.Chain chain, Map<String, Long> acceptedAt, Deliveries outcomes,
            Set<String> quarantinedIds, List<ProcessFigures> processes, WarmupRule.Summary warmup) {
        List<Double> latencies = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int lost = 0;
        int quarantined = 0;
        for (Map.Entry<String, Long> accepted : acceptedAt.entrySet()) {
            first = Math.min(first, accepted.getValue());
            Long done = outcomes.deliveredAt(accepted.getKey());
            if (done == null) {
                lost++;
                continue;
            }
            quarantined += quarantinedIds.contains(accepted.getKey()) ? 1 : 0;
            last = Math.max(last, done);
            latencies.add(Math.max(0, done - accepted.getValue()) / 1e6);
        }
        Map<String, Double> latency = new LinkedHashMap<>();
        latency.put("p50", Stats.round(Stats.percentile(latencies, 50), 1));
        latency.put("p99", Stats.round(Stats.percentile(latencies, 99), 1));
        latency.put("max", Stats.round(Stats.percentile(latencies, 100), 1));
        int infected = (int) acceptedAt.size() / INFECTED_EVERY;
        // CPU per mail moves far less with the machine's other load than mails per second do
        return new ScannerResult(chain.label, acceptedAt.size(), infected,
                Stats.round(latencies.size() / ((last - first) / 1e9), 1), latency, latencies.size() - quarantined,
                quarantined, lost, outcomes.files() - outcomes.count(), processes, cpuMsPerMail(processes, acceptedAt.size()),
                warmup);
    }

    /** Sends mails through the configured ingress; returns accept time (nanoTime) per mail id. */
    Map<String, Long> send(Run run, List<String> nodes, List<Integer> smtpPorts, int mails, double rate,
            Deliveries deliveries) throws Exception {
        return send(run, nodes, smtpPorts, mails, rate, deliveries, 0);
    }

    /**
     * Sends mails, over SMTP to nodes with an SMTP port and by publishing to the others; with
     * {@code infectedEvery} n &gt; 0, every n-th mail carries the EICAR test file as an attachment.
     */
    Map<String, Long> send(Run run, List<String> nodes, List<Integer> smtpPorts, int mails, double rate,
            Deliveries deliveries, int infectedEvery) throws Exception {
        Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
        BenchMails generator = new BenchMails(settings.size(), 42);
        List<byte[]> templates = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            templates.add(generator.mail(i, "<template-" + i + "@bench>"));
        }
        List<byte[]> infected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            infected.add(generator.withAttachment(i, "<infected-" + i + "@bench>", "sample-" + i + ".txt", ClamAv.eicar()));
        }
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService producers = Executors.newFixedThreadPool(settings.producers());
        List<Future<?>> tasks = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(run.client);
                MailPublisher publisher = new MailPublisher(factory)) {
            for (int p = 0; p < settings.producers(); p++) {
                tasks.add(producers.submit(() -> {
                    SmtpSender smtp = null;
                    try {
                        int n;
                        while ((n = next.getAndIncrement()) < mails) {
                            if (rate > 0) {
                                long due = start + (long) (n / rate * 1e9);
                                while (System.nanoTime() < due) {
                                    BenchProcess.pause(1);
                                }
                            }
                            int target = n % nodes.size();
                            boolean eicar = infectedEvery > 0 && n % infectedEvery == infectedEvery - 1;
                            byte[] mail = personalise(eicar ? infected.get(n % infected.size())
                                    : templates.get(n % templates.size()), n);
                            if (smtpPorts.get(target) > 0) {
                                if (smtp == null) {
                                    smtp = new SmtpSender(smtpPorts.get(target));
                                }
                                String id = smtp.send(mail, "rcpt" + n + "@example.org");
                                acceptedAt.put(id, System.nanoTime());
                            } else {
                                Envelope envelope = Envelope.received(nodes.get(target), "sender@example.com",
                                        List.of("rcpt" + n + "@example.org"), "bench", Instant.now(), mail.length);
                                publisher.publish(envelope, mail);
                                acceptedAt.put(envelope.mailId(), System.nanoTime());
                            }
                        }
                    } finally {
                        if (smtp != null) {
                            smtp.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            producers.shutdownNow();
        }
        return acceptedAt;
    }

    private static byte[] personalise(byte[] template, int n) {
        // a unique Message-ID per mail without rebuilding the body
        String text = new String(template, StandardCharsets.ISO_8859_1);
        return text.replaceFirst("Message-ID: <[^>]*>", "Message-ID: <" + n + "." + UUID.randomUUID() + "@bench>")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private PipelineResult result(Run run, int nodes, Map<String, Long> acceptedAt, Deliveries deliveries,
            Map<String, Double> cpuBefore, double benchBefore, WarmupRule.Summary warmup) throws IOException {
        deliveries.poll();
        List<Double> latencies = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int lost = 0;
        for (Map.Entry<String, Long> accepted : acceptedAt.entrySet()) {
            Long delivered = deliveries.deliveredAt(accepted.getKey());
            first = Math.min(first, accepted.getValue());
            if (delivered == null) {
                lost++;
                continue;
            }
            last = Math.max(last, delivered);
            latencies.add(Math.max(0, delivered - accepted.getValue()) / 1e6);
        }
        double seconds = (last - first) / 1e9;
        Map<String, Double> latency = new LinkedHashMap<>();
        latency.put("p50", Stats.round(Stats.percentile(latencies, 50), 1));
        latency.put("p95", Stats.round(Stats.percentile(latencies, 95), 1));
        latency.put("p99", Stats.round(Stats.percentile(latencies, 99), 1));
        latency.put("max", Stats.round(Stats.percentile(latencies, 100), 1));
        List<ProcessFigures> processes = new ArrayList<>(run.figures(cpuBefore));
        // the bench's producers (the ingress clients) and its Maildir watch, on the cores the node and broker use
        processes.add(benchFigures(benchBefore));
        return new PipelineResult(nodes, acceptedAt.size(), Stats.round(latencies.size() / seconds, 1), latency,
                processes, cpuMsPerMail(processes, acceptedAt.size()), lost, deliveries.files() - deliveries.count(), warmup);
    }

    /** Failover: steady load into n1's mailbox on three nodes, kill -9 of n1, time to first peer delivery and to drain. */
    Map<String, Object> failover(double rate, int seconds) throws Exception {
        Path routes = routes(0);
        try (Run run = new Run("failover")) {
            for (int i = 1; i <= 3; i++) {
                run.startNode("n" + i, routes, 0);
            }
            Deliveries deliveries = new Deliveries(List.of(run.outbox("n1"), run.outbox("n2"), run.outbox("n3")));
            int mails = (int) (rate * seconds);
            Map<String, Long> accepted = new ConcurrentHashMap<>();
            ExecutorService sender = Executors.newSingleThreadExecutor();
            Future<Map<String, Long>> sending = sender.submit(() -> send(run, List.of("n1"), List.of(0), mails, rate, deliveries));
            BenchProcess.pause(seconds * 500L);
            long killedAt = System.nanoTime();
            run.nodes.get(0).kill9();
            int atKill = deliveries.poll();
            Long firstAfter = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (firstAfter == null && System.nanoTime() < deadline) {
                if (deliveries.poll() > atKill) {
                    firstAfter = System.nanoTime(); // the time of the look: here the bench looks often
                }
                BenchProcess.pause(5);
            }
            accepted.putAll(sending.get());
            sender.shutdown();
            while (deliveries.poll() < accepted.size() && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(120)) {
                BenchProcess.pause(10);
            }
            long drainedAt = deliveries.times().stream().mapToLong(Long::longValue).max().orElse(killedAt);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("mails", accepted.size());
            result.put("deliveredBeforeKill", atKill);
            result.put("firstPeerDeliverySeconds", firstAfter == null ? null : Stats.round((firstAfter - killedAt) / 1e9, 2));
            result.put("drainedSeconds", Stats.round((drainedAt - killedAt) / 1e9, 2));
            result.put("lost", accepted.size() - deliveries.count());
            result.put("duplicates", deliveries.files() - deliveries.count());
            return result;
        }
    }

    /** Large mails through one node: does its resident memory stay within bounds? */
    Map<String, Object> large(int count, int sizeBytes) throws Exception {
        try (Run run = new Run("large")) {
            BenchProcess node = run.startNode("n1", routes(0), 0);
            Deliveries deliveries = new Deliveries(List.of(run.outbox("n1")));
            byte[] big = new BenchMails(sizeBytes, 7).mail(2, "<large@bench>"); // kind 2: base64 attachment
            long start = System.nanoTime();
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(run.client);
                    MailPublisher publisher = new MailPublisher(factory)) {
                for (int i = 0; i < count; i++) {
                    byte[] mail = personalise(big, i);
                    publisher.publish(Envelope.received("n1", "sender@example.com", List.of("rcpt@example.org"), "bench",
                            Instant.now(), mail.length), mail);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (deliveries.poll() < count && System.nanoTime() < deadline) {
                BenchProcess.pause(50);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("mails", count);
            result.put("mailMib", Stats.round(big.length / 1048576.0, 1));
            result.put("delivered", deliveries.count());
            result.put("seconds", Stats.round((System.nanoTime() - start) / 1e9, 1));
            result.put("nodePeakRssMib", Stats.round(node.peakRssMib(), 1));
            result.put("brokerPeakRssMib", Stats.round(run.broker.peakRssMib(), 1));
            result.put("heap", settings.heap());
            return result;
        }
    }

    /** One SMTP connection that sends many mails, reading the mail id from the 250 reply. */
    static final class SmtpSender implements AutoCloseable {
        private final Session session;
        private final SMTPTransport transport;

        SmtpSender(int port) throws Exception {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(port));
            props.put("mail.smtp.from", "sender@example.com");
            // Nagle off, as Mailgrid's relay client has it: otherwise the sender, not Mailgrid, sets
            // the pace (each mail waits ~40 ms for a delayed ACK, see NoDelaySocketFactory)
            props.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
            session = Session.getInstance(props);
            transport = (SMTPTransport) session.getTransport("smtp");
            transport.connect();
        }

        String send(byte[] mail, String recipient) throws Exception {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(mail));
            transport.sendMessage(message, new Address[] {new InternetAddress(recipient)});
            return acceptedAs(transport.getLastServerResponse())
                    .orElseThrow(() -> new IllegalStateException("no 250 in the reply: " + transport.getLastServerResponse()));
        }

        /**
         * The node's mail id from a 250 reply ("... queued as ID"), {@link #ALREADY_QUEUED} for a
         * resend the cluster recognised ("250 2.0.0 Ok: already queued", which names no id: the
         * first copy was stored under an id the client never heard), empty for anything else.
         */
        static Optional<String> acceptedAs(String reply) {
            if (reply == null || !reply.startsWith("250")) {
                return Optional.empty();
            }
            int at = reply.lastIndexOf("queued as ");
            if (at >= 0) {
                return Optional.of(reply.substring(at + "queued as ".length()).trim());
            }
            return reply.contains("already queued") ? Optional.of(ALREADY_QUEUED) : Optional.empty();
        }

        /** What {@link #acceptedAs} gives for a resend the cluster had already stored. */
        static final String ALREADY_QUEUED = "(already queued)";

        @Override
        public void close() throws Exception {
            transport.close();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
