package io.mailgrid.node.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code mailgrid bench} as the node's jar sees it: the benchmark is a program of its own (module
 * mailgrid-bench) that only the checkout's launcher starts, so here it says where it runs.
 */
@Command(name = "bench",
        description = {"Benchmark a cluster: mails per second, latency, CPU per mail, failover time (BENCHMARKS.md).",
                "A program of its own that starts its own broker and node processes; it runs from a checkout:"
                        + " ./mailgrid bench [--help]."})
final class BenchCommand implements Callable<Integer> {

    // the bench's own options (--scenarios, --runs, ...): whatever they are, the answer is the same
    @Unmatched
    List<String> benchArguments = new ArrayList<>();

    @Override
    public Integer call() {
        System.err.println("mailgrid bench: the benchmark is not part of the node; it runs from a checkout"
                + " of Mailgrid with ./mailgrid bench (./mailgrid bench --help for its options; BENCHMARKS.md)");
        return MailgridCommand.EXIT_USAGE;
    }
}
