package io.mailgrid.node.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;

/** {@code mailgrid quarantine list|show|release|delete}: the operator's view of mailgrid.quarantine. */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = "List, show, release, delete or export quarantined mail.",
        subcommands = {QuarantineCommand.ListCommand.class, QuarantineCommand.ShowCommand.class,
                QuarantineCommand.ReleaseCommand.class, QuarantineCommand.DeleteCommand.class,
                QuarantineCommand.ExportCommand.class})
final class QuarantineCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a quarantine subcommand on the quarantine, with the operator's login. */
    static int onQuarantine(OperatorConnection connection, String command, OperatorConnection.Action<Quarantine> action)
            throws Exception {
        Duration sendTimeout = SendDeadline.timeout(connection.config());
        return connection.run("quarantine " + command,
                (factory, management) -> new Quarantine(factory, management, Clock.systemUTC(), Quarantine.currentOperator(),
                        sendTimeout),
                action);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List quarantined mails, oldest first.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Mixin
        QuarantineSelection selection;

        @Option(names = "--json", description = "Print a JSON array instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return onQuarantine(connection, "list", quarantine -> {
                Instant now = Instant.now();
                List<Quarantine.Entry> entries = quarantine.list().stream().filter(e -> selection.matches(e, now)).toList();
                if (json) {
                    System.out.println(MailgridCommand.json(entries));
                } else {
                    print(System.out, entries);
                }
                return 0;
            });
        }
    }

    static void print(PrintStream out, List<Quarantine.Entry> entries) {
        if (entries.isEmpty()) {
            out.println("The quarantine is empty.");
            return;
        }
        out.printf("%-36s  %-19s  %-18s  %-28s  %s%n", "MAIL ID", "QUARANTINED", "VERDICT", "FROM", "REASON");
        for (Quarantine.Entry e : entries) {
            // one line per mail whatever the fields hold: escape them before laying them out
            out.printf("%-36s  %-19s  %-18s  %-28s  %s%n", ControlCharacters.escape(e.mailId()),
                    e.processedAt() == null ? "" : TIME.format(e.processedAt()), ControlCharacters.escape(e.verdict()),
                    cut(ControlCharacters.escape(e.from()), 28), cut(ControlCharacters.escape(e.reason()), 80));
        }
        out.println(entries.size() + " mail(s) in " + Queues.QUARANTINE);
    }

    private static String cut(String text, int length) {
        if (text == null) {
            return "";
        }
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a quarantined mail's properties and headers.")
    static final class ShowCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see quarantine list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return onQuarantine(connection, "show", quarantine -> {
                Optional<Quarantine.Details> details = quarantine.show(mailId);
                if (details.isEmpty()) {
                    throw new Quarantine.NotInQuarantineException(mailId);
                }
                details.get().properties().forEach((name, value) ->
                        System.out.println(name + ": " + ControlCharacters.escape(String.valueOf(value))));
                System.out.println();
                System.out.print(details.get().headers());
                return 0;
            });
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Deliver a quarantined mail as it is (stamped X-Mailgrid-Released), or with --recheck run it through the policy chain again.")
    static final class ReleaseCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Option(names = "--recheck", description = "Send the mail back to its origin's mailbox to be checked again")
        boolean recheck;

        @Mixin
        QuarantineSelection selection;

        @Override
        public Integer call() throws Exception {
            return onQuarantine(connection, "release", quarantine -> each(quarantine, selection, "release", mailId -> {
                Quarantine.Entry entry = quarantine.release(mailId, recheck);
                System.out.println(recheck
                        ? "Re-queued " + mailId + " to " + Queues.mailbox(entry.origin()) + " for a new check (generation "
                                + (entry.generation() + 1) + ")"
                        : "Released " + mailId + " to " + Queues.outbound(entry.origin()) + " for delivery as it is (was "
                                + entry.verdict() + ")");
            }));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a quarantined mail for good.")
    static final class DeleteCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Mixin
        QuarantineSelection selection;

        @Override
        public Integer call() throws Exception {
            return onQuarantine(connection, "delete", quarantine -> each(quarantine, selection, "delete", mailId -> {
                Quarantine.Entry entry = quarantine.delete(mailId);
                System.out.println("Deleted " + mailId + " (" + entry.verdict() + ")");
            }));
        }
    }

    /** What release or delete does with one mail. */
    interface OneMail {
        void handle(String mailId) throws Exception;
    }

    /**
     * Each selected mail in its own transaction (ids as given, or what the filters select now):
     * exit 1 if any was not (or no longer) there, or nothing was selected.
     */
    static int each(Quarantine quarantine, QuarantineSelection selection, String command, OneMail action) throws Exception {
        if (selection.isEmpty()) {
            throw new IllegalArgumentException("name mail ids, a filter (--verdict, --from, --to, --older-than) or --all");
        }
        List<String> ids = selection.mailIds();
        if (selection.filters()) {
            Instant now = Instant.now();
            ids = quarantine.list().stream().filter(e -> selection.matches(e, now)).map(Quarantine.Entry::mailId).distinct().toList();
        }
        return new EachSelected("quarantine " + command, Queues.QUARANTINE).each(ids, id -> {
            action.handle(id);
            return 1;
        }).exit();
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a quarantined mail as it arrived (the original .eml) to a file or standard output, without taking it.")
    static final class ExportCommand implements Callable<Integer> {
        @Mixin
        OperatorConnection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see quarantine list)")
        String mailId;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (refuses to overwrite) instead of standard output")
        Path output;

        @Override
        public Integer call() throws Exception {
            return onQuarantine(connection, "export", quarantine -> {
                byte[] mail = quarantine.original(mailId).orElseThrow(() -> new Quarantine.NotInQuarantineException(mailId));
                if (output == null) {
                    if (System.console() != null) {
                        // the mail's own bytes may hold escape sequences: never raw onto a terminal (ADR 0021)
                        System.err.println("mailgrid quarantine export: redirect the output to a file, or use --output FILE");
                        return MailgridCommand.EXIT_USAGE;
                    }
                    System.out.write(mail);
                    System.out.flush();
                    return 0;
                }
                try {
                    Files.write(output, mail, StandardOpenOption.CREATE_NEW);
                } catch (java.io.IOException e) {
                    System.err.println("mailgrid quarantine export: cannot write " + output + " (it must not exist yet): " + e);
                    return MailgridCommand.EXIT_FAILURE;
                }
                System.err.println("Exported " + mailId + " (" + mail.length + " bytes) to " + output);
                return 0;
            });
        }
    }
}
