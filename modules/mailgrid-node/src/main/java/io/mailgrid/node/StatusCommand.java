package io.mailgrid.node;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder until the management client lands. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show queue depths and mails in flight per node.")
final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
