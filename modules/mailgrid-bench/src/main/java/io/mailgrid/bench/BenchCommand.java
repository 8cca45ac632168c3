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
 * {@code failover} kill -9 of a node under load; {@code large} 25 MiB mails and the node's memory.
 * {@code --json} prints one object with every figure (fields documented in BENCHMARKS.md).
 */
@Command(name = "mailgrid bench", mixinStandardHelpOptions = true,
        description = "Benchmark: throughput vs. the raw broker, latency, scaling, failover time, memory.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--mails", defaultValue = "6000", description = "Mails per throughput run (default ${DEFAULT-VALUE})")
    int mails;

    @Option(names = "--size", defaultValue = "20k", description = "Mail size: 2k, 20k, 1m ... (default ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--producers", defaultValue = "4", description = "Concurrent ingress clients (default ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--ingress", defaultValue = "submit", description = "submit (publish like ./mailgrid submit) or smtp")
    String ingress;

    @Option(names = "--scenarios", defaultValue = "raw,pipeline,latency,scale,failover,large", split = ",",
            description = "Which scenarios to run (default: ${DEFAULT-VALUE})")
    List<String> scenarios;

    @Option(names = "--runs", defaultValue = "1", description = "Repeat raw/pipeline/latency and report medians")
    int runs;

    @Option(names = "--heap", defaultValue = "256m", description = "-Xmx of each node and broker process (default ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--node-jvm-option", paramLabel = "OPTION",
            description = "Extra JVM option for the node processes, repeatable (e.g. -XX:+UseParallelGC)")
    List<String> nodeJvmOptions = new ArrayList<>();

    @Option(names = "--work", description = "Directory for journals, Maildirs and logs (default: target/bench-<time>)")
    Path work;

    @Option(names = "--json", description = "Print one JSON object instead of tables")
    boolean json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int bytes = parseSize(size);
        Path dir = work != null ? work : Path.of("target", "bench-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        Files.createDirectories(dir);
        Bench bench = new Bench(new Bench.Settings(dir, mails, bytes, producers, ingress, heap, nodeJvmOptions));
        PrintStream log = json ? System.err : System.out;
        Set<String> chosen = Set.copyOf(scenarios);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", machine());
        result.put("settings", Map.of("mails", mails, "sizeBytes", bytes, "producers", producers, "ingress", ingress,
                "heap", heap, "runs", runs, "work", dir.toString()));

        List<Double> raw = new ArrayList<>();
        List<Bench.PipelineResult> pipelines = new ArrayList<>();
        List<Bench.PipelineResult> halfLoads = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            if (chosen.contains("raw")) {
                log.printf("[run %d] raw broker, %d x %s ...%n", r + 1, mails, size);
                raw.add(bench.rawBroker(8)); // as many consumers as a node has grabbers
            }
            if (chosen.contains("pipeline") || chosen.contains("latency")) {
                log.printf("[run %d] pipeline, 1 node, %d x %s via %s ...%n", r + 1, mails, size, ingress);
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
            result.put("rawBroker", Map.of("mailsPerSecond", Stats.round(Stats.median(raw), 1), "runs", raw));
        }
        if (!pipelines.isEmpty() && chosen.contains("pipeline")) {
            Bench.PipelineResult median = medianByThroughput(pipelines);
            Map<String, Object> pipeline = new LinkedHashMap<>();
            pipeline.put("median", median);
            pipeline.put("runs", pipelines.stream().map(Bench.PipelineResult::mailsPerSecond).toList());
            if (!raw.isEmpty()) {
                pipeline.put("ratioToRaw", Stats.round(median.mailsPerSecond() / Stats.median(raw), 3));
            }
            result.put("pipeline", pipeline);
        }
        if (!halfLoads.isEmpty()) {
            result.put("halfLoad", Map.of("median", medianByP99(halfLoads),
                    "p99Runs", halfLoads.stream().map(h -> h.latencyMs().get("p99")).toList()));
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

        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            print(System.out, result);
        }
        return 0;
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
    private static void print(PrintStream out, Map<String, Object> result) {
        out.println();
        out.println("Machine: " + result.get("machine"));
        out.println("Settings: " + result.get("settings"));
        out.println();
        Object raw = result.get("rawBroker");
        if (raw != null) {
            out.printf("Raw broker (plain JMS, persistent, transacted receive):  %8.1f mails/s%n",
                    ((Map<String, Object>) raw).get("mailsPerSecond"));
        }
        Map<String, Object> pipeline = (Map<String, Object>) result.get("pipeline");
        if (pipeline != null) {
            Bench.PipelineResult p = (Bench.PipelineResult) pipeline.get("median");
            out.printf("Pipeline, 1 node (ingress -> check -> Maildir):          %8.1f mails/s   ratio to raw %s%n",
                    p.mailsPerSecond(), pipeline.getOrDefault("ratioToRaw", "-"));
            out.printf("  latency at full load ms: %s   lost %d, duplicates %d%n", p.latencyMs(), p.lost(), p.duplicates());
            p.processes().forEach(f -> out.printf("  %-8s cpu %6.1f s   peak RSS %6.1f MiB%n", f.name(), f.cpuSeconds(), f.peakRssMib()));
        }
        Map<String, Object> half = (Map<String, Object>) result.get("halfLoad");
        if (half != null) {
            Bench.PipelineResult h = (Bench.PipelineResult) half.get("median");
            out.printf("Half load (%.1f mails/s): latency ms %s%n", h.mailsPerSecond(), h.latencyMs());
        }
        List<Bench.PipelineResult> scale = (List<Bench.PipelineResult>) result.get("scale");
        if (scale != null) {
            out.println("Scale, check waiting 50 ms:");
            scale.forEach(s -> out.printf("  %d node(s): %8.1f mails/s   p99 %s ms%n", s.nodes(), s.mailsPerSecond(), s.latencyMs().get("p99")));
        }
        if (result.get("failover") != null) {
            out.println("Failover (kill -9): " + result.get("failover"));
        }
        if (result.get("large") != null) {
            out.println("Large mails: " + result.get("large"));
        }
    }
}
