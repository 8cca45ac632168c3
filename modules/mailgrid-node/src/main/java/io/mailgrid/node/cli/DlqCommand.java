package io.mailgrid.node.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.Queues;

/** {@code mailgrid dlq list|show|retry|delete}: the operator's view of mailgrid.dlq. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List, show, retry or delete dead letters (mail that failed every attempt).",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ShowCommand.class, DlqCommand.RetryCommand.class,
                DlqCommand.DeleteCommand.class})
public final class DlqCommand implements Runnable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a dlq subcommand on the dead letters, with the operator's login. */
    static int onDeadLetters(OperatorConnection connection, String command, OperatorConnection.Action<DeadLetters> action)
            throws Exception {
        return connection.run("dlq " + command, DeadLetters::new, action);
    }

    /** Which mails: ids, or a filter, or --all. */
    static final class Selection {
        @Mixin
        MailSelection mails;

        @Option(names = "--from", paramLabel = "ADDRESS", description = "Mails with this envelope sender")
        String from;

        @Option(names = "--failed-in", paramLabel = "QUEUE", description = "Mails that failed in this queue, e.g. mailgrid.outbound.a")
        String failedIn;

        DeadLetters.Filter filter() {
            return new DeadLetters.Filter(mails.mailIds(), from, failedIn, mails.all());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first (all, or those selected).")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Mixin
        Selection selection;

        @Option(names = "--json", description = "Print a JSON array instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return onDeadLetters(connection, "list", dlq -> {
                DeadLetters.Filter f = selection.filter();
                boolean none = f.mailIds().isEmpty() && f.from() == null && f.failedQueue() == null;
                List<DeadLetters.Entry> entries = dlq.list(none ? new DeadLetters.Filter(List.of(), null, null, true) : f);
                if (json) {
                    System.out.println(MailgridCommand.json(entries));
                    return 0;
                }
                if (entries.isEmpty()) {
                    System.out.println("No dead letters.");
                    return 0;
                }
                System.out.printf("%-36s  %-19s  %-26s  %-28s  %s%n", "MAIL ID", "DEAD SINCE", "FAILED IN", "FROM", "REASON");
                for (DeadLetters.Entry e : entries) {
                    System.out.printf("%-36s  %-19s  %-26s  %-28s  %s%n", ControlCharacters.escape(e.mailId()),
                            TIME.format(e.deadAt()), ControlCharacters.escape(e.failedQueue()),
                            ControlCharacters.escape(String.valueOf(e.from())), ControlCharacters.escape(String.valueOf(e.reason())));
                }
                System.out.println(entries.size() + " mail(s) in " + Queues.DLQ);
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a dead letter's properties: why it failed, where.")
    static final class ShowCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see dlq list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return onDeadLetters(connection, "show", dlq -> {
                Map<String, Object> properties = dlq.show(mailId).orElseThrow(() -> new NoSuchMailException(mailId, Queues.DLQ));
                properties.forEach((name, value) ->
                        System.out.println(name + ": " + ControlCharacters.escape(String.valueOf(value))));
                return 0;
            });
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Send dead letters back to the queue they failed in, with a fresh attempt count.")
    static final class RetryCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws Exception {
            return onDeadLetters(connection, "retry", dlq -> {
                DeadLetters.Retried retried = dlq.retry(selection.filter());
                EachSelected tally = new EachSelected("dlq retry", Queues.DLQ).each(retried.byQueue().entrySet(), queue -> {
                    System.out.println("Retried " + queue.getValue() + " mail(s) to " + queue.getKey());
                    return queue.getValue();
                });
                retried.leftBehind().forEach((id, why) -> tally.refuse("left " + id + ": " + why));
                return tally.exit();
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete dead letters for good.")
    static final class DeleteCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws Exception {
            return onDeadLetters(connection, "delete", dlq -> {
                int deleted = dlq.delete(selection.filter());
                System.out.println("Deleted " + deleted + " mail(s) from " + Queues.DLQ);
                return deleted == 0 ? MailgridCommand.EXIT_FAILURE : 0;
            });
        }
    }
}
