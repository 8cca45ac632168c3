package io.mailgrid.node.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;


import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.BrokerUnavailableException;
import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;

/** {@code mailgrid quarantine list|show|release|delete}: the operator's view of mailgrid.quarantine. */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
        description = "List, show, release or delete quarantined mail.",
        subcommands = {QuarantineCommand.ListCommand.class, QuarantineCommand.ShowCommand.class,
                QuarantineCommand.ReleaseCommand.class, QuarantineCommand.DeleteCommand.class})
final class QuarantineCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every quarantine command shares. */
    static final class Connection {
        @Mixin
        MailgridCommand.ConfigOptions options;

        @Option(names = "--broker", paramLabel = "URL", description = "Broker URL (default: the embedded broker's address)")
        String broker;

        /** Runs the action against the quarantine; maps broker and lookup failures to exit codes. */
        int run(String command, Action action) throws Exception {
            Map<String, String> overrides = new HashMap<>();
            overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
            MailgridConfig config = options.load(overrides);
            try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                    BrokerManagement management = BrokerManagement.connect(config)) {
                return action.run(new Quarantine(factory, management, Clock.systemUTC(), Quarantine.currentOperator()));
            } catch (Quarantine.NotInQuarantineException e) {
                System.err.println("mailgrid quarantine " + command + ": " + e.getMessage());
                return MailgridCommand.EXIT_FAILURE;
            } catch (BrokerUnavailableException e) {
                System.err.println("mailgrid quarantine " + command + ": " + e.getMessage());
                return MailgridCommand.EXIT_FAILURE;
            } catch (JMSException | JMSRuntimeException e) {
                System.err.println("mailgrid quarantine " + command + ": broker at " + BrokerConnection.url(config)
                        + " failed: " + e.getMessage());
                return MailgridCommand.EXIT_FAILURE;
            }
        }
    }

    /** What a subcommand does with the quarantine. */
    interface Action {
        int run(Quarantine quarantine) throws Exception;
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List quarantined mails, oldest first.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--json", description = "Print a JSON array instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return connection.run("list", quarantine -> {
                List<Quarantine.Entry> entries = quarantine.list();
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
        Connection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see quarantine list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return connection.run("show", quarantine -> {
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
        Connection connection;

        @Option(names = "--recheck", description = "Send the mail back to its origin's mailbox to be checked again")
        boolean recheck;

        @Parameters(paramLabel = "ID", description = "Mail id (see quarantine list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return connection.run("release", quarantine -> {
                Quarantine.Entry entry = quarantine.release(mailId, recheck);
                System.out.println(recheck
                        ? "Re-queued " + mailId + " to " + Queues.mailbox(entry.origin()) + " for a new check (generation "
                                + (entry.generation() + 1) + ")"
                        : "Released " + mailId + " to " + Queues.outbound(entry.origin()) + " for delivery as it is (was "
                                + entry.verdict() + ")");
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a quarantined mail for good.")
    static final class DeleteCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see quarantine list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return connection.run("delete", quarantine -> {
                Quarantine.Entry entry = quarantine.delete(mailId);
                System.out.println("Deleted " + mailId + " (" + entry.verdict() + ")");
                return 0;
            });
        }
    }
}
