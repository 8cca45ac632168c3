package io.mailgrid.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mailgrid bench}: measures the pipeline against the broker's own limit in the same run.
 *
 * <p>Scenarios (all by default): {@code raw} the broker alone with plain JMS; {@code pipeline}
 * mail through one node as fast as the producers can hand it over; {@code latency} the same at
 * half that rate; {@code scale} 1, 2 and 3 nodes with a check that waits 50 ms on I/O;
 * {@code failover} kill -9 of a node under load; {@code large} 25 MiB mails and the node's memory;
 * {@code soak} (on demand, not a default) SMTP load over three nodes while nodes and the broker
 * are killed and paused, reporting lost and duplicated mail; {@code many-nodes} (on demand) 5 to 30
 * lightweight nodes on one broker, helpers per mailbox vs. every worker helping ({@link ManyNodes}).
 * {@code --scanner clamd,exec} adds
 * the shipped chain with a real scanner beside pass-all.
 * {@code --json} prints one object with every figure (fields documented in BENCHMARKS.md).
 */
@Command(name = "mailgrid bench", mixinStandardHelpOptions = true,
        description = "Benchmark: throughput vs. the raw broker, latency, scaling, failover time, memory.")
public final class BenchCommand implements Callable<Integer> {

    private static final String DEFAULT_SCENARIOS = "raw,pipeline,latency,scale,failover,large";

    @Option(names = "--mails", defaultValue = "6000", description = "Mails per throughput run (default ${DEFAULT-VALUE})")
    int mails;

    @Option(names = "--size", description = "Mail size: 2k, 20k, 1m ... (default 20k; 2k for --scanner)")
    String size;

    @Option(names = "--warmup", defaultValue = "auto", converter = WarmupConverter.class, paramLabel = "auto|N",
            description = "Mails sent before each measured run and not counted (JIT compilation, connections): auto = rounds of "
                    + WarmupRule.ROUND_MAILS + ", " + WarmupRule.ROUND_MAILS + ", then doubling, until three rounds in a row agree within 10 %% in CPU per mail ("
                    + WarmupRule.MIN_MAILS + " to " + WarmupRule.MAX_MAILS + " mails, at most 3 min); N = exactly N mails, "
                    + "at most --mails, as before ADR 0043 (default ${DEFAULT-VALUE})")
    WarmupRule.Setting warmup;

    @Option(names = "--producers", defaultValue = "4", description = "Concurrent ingress clients (default ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--ingress", defaultValue = "submit", description = "submit (publish like ./mailgrid submit) or smtp")
    String ingress;

    @Option(names = "--scenarios", split = ",",
            description = "Which scenarios to run (default: " + DEFAULT_SCENARIOS + "; none with --scanner)")
    List<String> scenarios;

    @Option(names = "--scanner", split = ",", paramLabel = "clamd|exec|pass-all",
            description = "Scanner scenario: the shipped chain with the clamd check (clamd) and/or with clamdscan (exec), "
                    + "each beside pass-all in the same run (pass-all alone: only that chain); SMTP in, relay delivery "
                    + "to the bench's sink, 1 mail in 10 with EICAR")
    List<String> scanners = new ArrayList<>();

    @Option(names = "--minutes", defaultValue = "30", description = "soak: minutes of load and failures (default ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--rate", defaultValue = "50", description = "soak: new mails per second over SMTP, all clients together "
            + "(default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--node-counts", split = ",", defaultValue = "5,10,20,30",
            description = "many-nodes: cluster sizes to measure (default ${DEFAULT-VALUE})")
    List<Integer> nodeCounts;

    @Option(names = "--helpers", split = ",", defaultValue = "0,2",
            description = "many-nodes: mailgrid.cluster.helpers values to compare, 0 = every worker (default ${DEFAULT-VALUE})")
    List<Integer> helperCounts;

    @Option(names = "--runs", defaultValue = "1", description = "Repeat raw/pipeline/latency and report medians")
    int runs;

    @Option(names = "--heap", defaultValue = "256m", description = "-Xmx of each node and broker process (default ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--node-jvm-option", paramLabel = "OPTION",
            description = "Extra JVM option for the node processes, repeatable (e.g. -XX:+UseParallelGC)")
    List<String> nodeJvmOptions = new ArrayList<>();

    @Option(names = "--work", description = "Directory for journals, Maildirs and logs (default: target/bench-<time>)")
    Path work;

    @Option(names = "--keep-data", description = "Keep each run's journals and Maildirs (by default only its logs stay:"
            + " a set of runs writes gigabytes)")
    boolean keepData;

    @Option(names = "--json", description = "Print one JSON object instead of tables")
    boolean json;

    /** --warmup: auto or a count, rejected with the option's name otherwise. */
    static final class WarmupConverter implements CommandLine.ITypeConverter<WarmupRule.Setting> {
        @Override
        public WarmupRule.Setting convert(String value) {
            try {
                return WarmupRule.Setting.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static void main(String[] args) {
        // the sink's SMTP library announces every start and stop at INFO, between the bench's own lines
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.subethamail"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int bytes = parseSize(size == null ? "20k" : size);
        Path dir = work != null ? work : Path.of("target", "bench-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        Files.createDirectories(dir);
        Bench bench = new Bench(new Bench.Settings(dir, mails, bytes, producers, ingress, heap, nodeJvmOptions)).warmup(warmup)
                .keepData(keepData);
        PrintStream log = json ? System.err : System.out;
        Set<String> chosen = Set.copyOf(scenarios != null ? scenarios
                : scanners.isEmpty() ? List.of(DEFAULT_SCENARIOS.split(",")) : List.of());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", machine());
        Map<String, Object> runSettings = new LinkedHashMap<>(Map.of("mails", mails, "sizeBytes", bytes, "producers", producers,
                "ingress", ingress, "heap", heap, "runs", runs, "work", dir.toString()));
        runSettings.put("scenarios", List.copyOf(chosen));
        runSettings.put("warmup", warmup.adaptive() ? warmup.toString() : warmup.fixedMails());
        if (!scanners.isEmpty()) {
            runSettings.put("scanner", Map.of("chains", scanners, "sizeBytes", size == null ? 2048 : bytes, "ingress", "smtp",
                    "delivery", "relay to the bench's sink", "infectedEvery", Bench.INFECTED_EVERY));
        }
        result.put("settings", runSettings);

        List<Bench.RawResult> raw = new ArrayList<>();
        List<Bench.PipelineResult> pipelines = new ArrayList<>();
        List<Bench.PipelineResult> halfLoads = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            if (chosen.contains("raw")) {
                log.printf("[run %d] raw broker, %d x %s ...%n", r + 1, mails, size == null ? "20k" : size);
                raw.add(bench.rawBroker(8)); // as many consumers as a node has grabbers
            }
            if (chosen.contains("pipeline") || chosen.contains("latency")) {
                log.printf("[run %d] pipeline, 1 node, %d x %s via %s ...%n", r + 1, mails, size == null ? "20k" : size, ingress);
                Bench.PipelineResult max = bench.pipeline("pipeline", 1, mails, 0, 0);
                pipelines.add(max);
                if (chosen.contains("latency")) {
                    double rate = max.mailsPerSecond() / 2;
                    log.printf("[run %d] latency at half load (%.0f mails/s) ...%n", r + 1, rate);
                    halfLoads.add(bench.pipeline("half-load", 1, Math.max(200, (int) (rate * 20)), 0, rate));
                }
            }
        }
        if (!raw.isEmpty()) {
            Map<String, Object> rawBroker = new LinkedHashMap<>();
            rawBroker.put("mailsPerSecond", Stats.round(rawMedian(raw).mailsPerSecond(), 1));
            rawBroker.put("runs", raw.stream().map(Bench.RawResult::mailsPerSecond).toList());
            rawBroker.put("median", rawMedian(raw));
            rawBroker.put("perRun", raw);
            result.put("rawBroker", rawBroker);
        }
        if (!pipelines.isEmpty() && chosen.contains("pipeline")) {
            Bench.PipelineResult median = medianByThroughput(pipelines);
            Map<String, Object> pipeline = new LinkedHashMap<>();
            pipeline.put("median", median);
            pipeline.put("runs", pipelines.stream().map(Bench.PipelineResult::mailsPerSecond).toList());
            pipeline.put("perRun", pipelines);
            if (!raw.isEmpty()) {
                pipeline.put("ratioToRaw", Stats.round(median.mailsPerSecond() / rawMedian(raw).mailsPerSecond(), 3));
                if (raw.size() == pipelines.size()) {
                    List<Double> ratios = Stats.sameRunRatios(pipelines.stream().map(Bench.PipelineResult::mailsPerSecond).toList(),
                            raw.stream().map(Bench.RawResult::mailsPerSecond).toList());
                    pipeline.put("sameRunRatiosToRaw", ratios);
                    pipeline.put("sameRunRatioToRawMedian", Stats.median(ratios));
                }
            }
            result.put("pipeline", pipeline);
        }
        if (!halfLoads.isEmpty()) {
            result.put("halfLoad", Map.of("median", medianByP99(halfLoads),
                    "p99Runs", halfLoads.stream().map(h -> h.latencyMs().get("p99")).toList(), "perRun", halfLoads));
        }
        if (chosen.contains("scale")) {
            List<Bench.PipelineResult> scale = new ArrayList<>();
            for (int nodes = 1; nodes <= 3; nodes++) {
                log.printf("scale: %d node(s), check waiting 50 ms ...%n", nodes);
                scale.add(bench.pipeline("scale-" + nodes, nodes, Math.min(mails, 1200), 50, 0));
            }
            result.put("scale", scale);
        }
        if (chosen.contains("failover")) {
            double rate = pipelines.isEmpty() ? 100 : Math.max(20, medianByThroughput(pipelines).mailsPerSecond() / 2);
            log.printf("failover: 3 nodes, %.0f mails/s into n1, kill -9 n1 ...%n", rate);
            result.put("failover", bench.failover(rate, 20));
        }
        if (chosen.contains("large")) {
            log.println("large: 8 x 25 MiB through one node ...");
            result.put("large", bench.large(8, 25 * 1024 * 1024));
        }

        if (chosen.contains("many-nodes")) {
            // a few hundred agents' INFO lines would bury the figures
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.mailgrid.cluster"))
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
            List<ManyNodes.Point> points = new ArrayList<>();
            for (int nodes : nodeCounts) {
                for (int helpers : helperCounts) {
                    log.printf("many-nodes: %d nodes, helpers %s ...%n", nodes, helpers == 0 ? "every worker" : helpers);
                    points.add(new ManyNodes(bench).run(nodes, helpers));
                }
            }
            result.put("manyNodes", points);
        }
        if (chosen.contains("soak")) {
            log.printf("soak: %.1f min, 3 nodes on a standalone broker, %d SMTP clients resending what got no 250, "
                    + "%.0f new mails/s; every %d s: kill -9 a node, SIGSTOP a node %d s, kill -9 the broker ...%n", minutes,
                    producers, rate, Soak.EVENT_EVERY.toSeconds(), Soak.PAUSE.toSeconds());
            result.put("soak", new Soak(bench, java.time.Duration.ofSeconds(Math.round(minutes * 60)), producers, rate, log).run());
        }
        if (!scanners.isEmpty()) {
            int scannerBytes = size == null ? 2048 : bytes;
            Bench scannerBench = new Bench(new Bench.Settings(dir, mails, scannerBytes, producers, "smtp", heap, nodeJvmOptions))
                    .warmup(warmup).keepData(keepData);
            result.put("scanner", scanners(scannerBench, dir, scannerBytes, log));
        }

        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            print(System.out, result);
        }
        return 0;
    }

    /** pass-all, then each chosen scanner chain, in every run; medians and the ratio to pass-all. */
    private Map<String, Object> scanners(Bench bench, Path dir, int bytes, PrintStream log) throws Exception {
        List<BenchScanners.Chain> chains = new ArrayList<>();
        scanners.forEach(name -> chains.add(BenchScanners.Chain.of(name)));
        chains.remove(BenchScanners.Chain.PASS_ALL); // it runs first in every run anyway
        Map<String, Object> result = new LinkedHashMap<>();
        StringBuilder why = new StringBuilder();
        try (BenchScanners clamd = BenchScanners.start(chains, dir.resolve("clamd"), why).orElse(null)) {
            if (chains.isEmpty()) {
                log.println("scanner: only the pass-all chain runs");
            } else if (clamd == null) {
                log.println("scanner: " + why + ": only the pass-all chain runs");
                result.put("skipped", why.toString());
                chains.clear();
            } else {
                log.println("scanner: the bench's own " + clamd + " with the EICAR test database");
            }
            for (BenchScanners.Chain chain : List.copyOf(chains)) {
                clamd.unavailable(chain).ifPresent(reason -> {
                    log.println("scanner: " + chain.label + " skipped: " + reason);
                    result.put("skipped-" + chain.label, reason);
                    chains.remove(chain);
                });
            }
            Map<BenchScanners.Chain, List<Bench.ScannerResult>> runsByChain = new LinkedHashMap<>();
            for (int r = 0; r < runs; r++) {
                List<BenchScanners.Chain> order = new ArrayList<>(List.of(BenchScanners.Chain.PASS_ALL));
                order.addAll(chains);
                for (BenchScanners.Chain chain : order) {
                    log.printf("[run %d] scanner: chain %s, %d x %d bytes via SMTP, relay delivery, 1 in %d with EICAR ...%n",
                            r + 1, chain.label, mails, bytes, Bench.INFECTED_EVERY);
                    runsByChain.computeIfAbsent(chain, c -> new ArrayList<>())
                            .add(bench.scanner(chain, chain == BenchScanners.Chain.PASS_ALL ? null : clamd));
                }
            }
            List<Bench.ScannerResult> passAllRuns = runsByChain.get(BenchScanners.Chain.PASS_ALL);
            double passAll = medianByRate(passAllRuns).mailsPerSecond();
            runsByChain.forEach((chain, results) -> {
                Map<String, Object> figures = new LinkedHashMap<>();
                Bench.ScannerResult median = medianByRate(results);
                figures.put("median", median);
                figures.put("runs", results.stream().map(Bench.ScannerResult::mailsPerSecond).toList());
                figures.put("perRun", results);
                figures.put("ratioToPassAll", Stats.round(median.mailsPerSecond() / passAll, 3));
                // issue 12 reads the scanner's cost against pass-all "in the same run"
                List<Double> ratios = Stats.sameRunRatios(results.stream().map(Bench.ScannerResult::mailsPerSecond).toList(),
                        passAllRuns.stream().map(Bench.ScannerResult::mailsPerSecond).toList());
                figures.put("sameRunRatios", ratios);
                figures.put("sameRunRatioMedian", Stats.median(ratios));
                result.put(chain.label, figures);
            });
        }
        return result;
    }

    private static Bench.RawResult rawMedian(List<Bench.RawResult> results) {
        List<Bench.RawResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Double.compare(a.mailsPerSecond(), b.mailsPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** How the run warmed up, and the CPU per mail of its last rounds: a reader sees the JIT settle. */
    static String warmupLine(WarmupRule.Summary warmup) {
        List<Double> rounds = warmup.roundCpuMsPerMail();
        String last = rounds.subList(Math.max(0, rounds.size() - 6), rounds.size()).toString();
        String outcome = switch (warmup.outcome()) {
            case WARM -> "warm: three rounds in a row within 10 % of each other's CPU per mail";
            case COUNT_SENT -> "--warmup " + warmup.setting();
            case GAVE_UP_AT_MAXIMUM -> "MAXIMUM HIT before the CPU per mail settled";
            case AGAIN -> "unfinished";
        };
        return String.format("warm-up %d mails (%s); CPU ms per mail by round%s: %s", warmup.mails(), outcome,
                rounds.size() > 6 ? " (last 6 of " + rounds.size() + ")" : "", last);
    }

    private static Bench.ScannerResult medianByRate(List<Bench.ScannerResult> results) {
        List<Bench.ScannerResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Double.compare(a.mailsPerSecond(), b.mailsPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static Bench.PipelineResult medianByThroughput(List<Bench.PipelineResult> results) {
        List<Bench.PipelineResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Double.compare(a.mailsPerSecond(), b.mailsPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static Bench.PipelineResult medianByP99(List<Bench.PipelineResult> results) {
        List<Bench.PipelineResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Double.compare(a.latencyMs().get("p99"), b.latencyMs().get("p99")));
        return sorted.get((sorted.size() - 1) / 2);
    }

    static int parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int factor = t.endsWith("k") ? 1024 : t.endsWith("m") ? 1024 * 1024 : 1;
        return Integer.parseInt(factor == 1 ? t : t.substring(0, t.length() - 1)) * factor;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryGiB", Stats.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / 1073741824.0, 1));
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return machine;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintStream out, Map<String, Object> result) {
        out.println();
        out.println("Machine: " + result.get("machine"));
        out.println("Settings: " + result.get("settings"));
        out.println();
        Map<String, Object> raw = (Map<String, Object>) result.get("rawBroker");
        if (raw != null) {
            out.printf("Raw broker (plain JMS, persistent, transacted receive):  %8.1f mails/s%n", raw.get("mailsPerSecond"));
            Bench.RawResult r = (Bench.RawResult) raw.get("median");
            out.println("  CPU ms per mail: " + r.cpuMsPerMail());
            out.println("  " + warmupLine(r.warmup()));
        }
        Map<String, Object> pipeline = (Map<String, Object>) result.get("pipeline");
        if (pipeline != null) {
            Bench.PipelineResult p = (Bench.PipelineResult) pipeline.get("median");
            out.printf("Pipeline, 1 node (ingress -> check -> Maildir):          %8.1f mails/s   ratio to raw %s%n",
                    p.mailsPerSecond(), pipeline.getOrDefault("ratioToRaw", "-"));
            if (pipeline.containsKey("sameRunRatiosToRaw")) {
                out.println("  ratio to raw in each run: " + pipeline.get("sameRunRatiosToRaw") + ", median "
                        + pipeline.get("sameRunRatioToRawMedian"));
            }
            out.printf("  latency at full load ms: %s   lost %d, duplicates %d%n", p.latencyMs(), p.lost(), p.duplicates());
            p.processes().forEach(f -> out.printf("  %-8s cpu %6.1f s   peak RSS %6.1f MiB%n", f.name(), f.cpuSeconds(), f.peakRssMib()));
            out.println("  CPU ms per mail: " + p.cpuMsPerMail());
            out.println("  " + warmupLine(p.warmup()));
        }
        Map<String, Object> half = (Map<String, Object>) result.get("halfLoad");
        if (half != null) {
            Bench.PipelineResult h = (Bench.PipelineResult) half.get("median");
            out.printf("Half load (%.1f mails/s): latency ms %s%n", h.mailsPerSecond(), h.latencyMs());
            out.println("  " + warmupLine(h.warmup()));
        }
        List<Bench.PipelineResult> scale = (List<Bench.PipelineResult>) result.get("scale");
        if (scale != null) {
            out.println("Scale, check waiting 50 ms:");
            scale.forEach(s -> out.printf("  %d node(s): %8.1f mails/s   p99 %s ms   %s%n", s.nodes(), s.mailsPerSecond(),
                    s.latencyMs().get("p99"), warmupLine(s.warmup())));
        }
        if (result.get("failover") != null) {
            out.println("Failover (kill -9): " + result.get("failover"));
        }
        if (result.get("large") != null) {
            out.println("Large mails: " + result.get("large"));
        }
        List<ManyNodes.Point> many = (List<ManyNodes.Point>) result.get("manyNodes");
        if (many != null) {
            out.println("Many nodes on one broker (lightweight nodes, " + ManyNodes.MAILS_AT_KILL + " mails into a killed node's mailbox):");
            out.printf("  %5s %7s %6s %9s %12s %15s %9s %9s %10s %8s%n", "nodes", "helpers", "grabs", "consumers", "heartbeats/s",
                    "hb deliveries/s", "first ms", "all ms", "widened ms", "settle s");
            many.forEach(p -> out.printf("  %5d %7s %6d %9d %12.1f %15.0f %9.1f %9.1f %10.0f %8.1f%n", p.nodes(),
                    p.helpers() == 0 ? "all" : String.valueOf(p.helpers()), p.grabs(), p.mailboxConsumers(),
                    p.heartbeatsPerSecond(), p.heartbeatsPerSecond() * p.nodes(), p.firstTakenMs(), p.allTakenMs(),
                    p.widenedMs(), p.settleSeconds()));
        }
        Map<String, Object> soak = (Map<String, Object>) result.get("soak");
        if (soak != null) {
            out.printf("Soak, %s min, 3 nodes: generated %s, accepted %s (resent at least once: %s, never accepted: %s), "
                    + "delivered files %s%n", soak.get("minutes"), soak.get("generated"), soak.get("accepted"), soak.get("resent"),
                    soak.get("neverAccepted"), soak.get("deliveredFiles"));
            out.printf("  LOST %s   duplicates by mail id %s   duplicates by Message-ID %s%n", soak.get("lost"),
                    soak.get("duplicatesByMailId"), soak.get("duplicatesByMessageId"));
            ((List<String>) soak.get("events")).forEach(e -> out.println("  " + e));
            for (String examples : new String[] {"lostExamples", "duplicateMailIdExamples", "duplicateMessageIdExamples"}) {
                List<String> list = (List<String>) soak.get(examples);
                if (!list.isEmpty()) {
                    out.println("  " + examples + ": " + list);
                }
            }
        }
        Map<String, Object> scanner = (Map<String, Object>) result.get("scanner");
        if (scanner != null) {
            out.println("Scanner chains (1 node, SMTP in, relay delivery to the sink, 1 mail in " + Bench.INFECTED_EVERY
                    + " with EICAR), medians:");
            out.printf("  %-9s %9s %7s %8s %8s %10s %12s %5s %5s   %s%n", "chain", "mails/s", "ratio", "p50 ms", "p99 ms",
                    "delivered", "quarantined", "lost", "dup", "CPU s per process");
            scanner.forEach((chain, value) -> {
                if (!(value instanceof Map<?, ?> figures)) {
                    out.println("  " + chain + ": " + value);
                    return;
                }
                Bench.ScannerResult m = (Bench.ScannerResult) figures.get("median");
                StringBuilder cpu = new StringBuilder();
                m.processes().forEach(f -> cpu.append(f.name()).append(' ').append(f.cpuSeconds()).append("  "));
                out.printf("  %-9s %9.1f %7s %8.1f %8.1f %10d %12d %5d %5d   %s%n", chain, m.mailsPerSecond(),
                        figures.get("ratioToPassAll"), m.latencyMs().get("p50"), m.latencyMs().get("p99"), m.delivered(),
                        m.quarantined(), m.lost(), m.duplicates(), cpu.toString().trim());
                out.println("            runs (mails/s): " + figures.get("runs") + ", ratio to pass-all in each run: "
                        + figures.get("sameRunRatios") + ", median " + figures.get("sameRunRatioMedian"));
                out.println("            CPU ms per mail: " + m.cpuMsPerMail());
                out.println("            " + warmupLine(m.warmup()));
            });
        }
    }
}
