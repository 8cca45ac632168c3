package io.mailgrid.node.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.core.CoreSettingsCatalog;

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

    /** Options every dlq command shares. */
    static final class Connection {
        @Mixin
        MailgridCommand.ConfigOptions options;

        @Option(names = "--broker", paramLabel = "URL", description = "Broker URL (default: the embedded broker's address)")
        String broker;

        int run(String command, Action action) throws Exception {
            Map<String, String> overrides = new HashMap<>();
            overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
            MailgridConfig config = options.load(overrides);
            try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                    BrokerManagement management = BrokerManagement.connect(config)) {
                return action.run(new DeadLetters(factory, management));
            } catch (BrokerUnavailableException e) {
                System.err.println("mailgrid dlq " + command + ": " + e.getMessage());
                return MailgridCommand.EXIT_FAILURE;
            } catch (JMSException | JMSRuntimeException | IllegalStateException e) {
                System.err.println("mailgrid dlq " + command + ": broker at " + BrokerConnection.url(config)
                        + " failed: " + e.getMessage());
                return MailgridCommand.EXIT_FAILURE;
            }
        }
    }

    /** What a subcommand does with the dead letters. */
    interface Action {
        int run(DeadLetters deadLetters) throws Exception;
    }

    /** Which mails: ids, or a filter, or --all. */
    static final class Selection {
        @Parameters(paramLabel = "ID", arity = "0..*", description = "Mail ids (see dlq list)")
        List<String> mailIds = new ArrayList<>();

        @Option(names = "--from", paramLabel = "ADDRESS", description = "Mails with this envelope sender")
        String from;

        @Option(names = "--failed-in", paramLabel = "QUEUE", description = "Mails that failed in this queue, e.g. mailgrid.outbound.a")
        String failedIn;

        @Option(names = "--all", description = "Every dead letter")
        boolean all;

        DeadLetters.Filter filter() {
            return new DeadLetters.Filter(List.copyOf(mailIds), from, failedIn, all);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first (all, or those selected).")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Selection selection;

        @Option(names = "--json", description = "Print a JSON array instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return connection.run("list", dlq -> {
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
        Connection connection;

        @Parameters(paramLabel = "ID", description = "Mail id (see dlq list)")
        String mailId;

        @Override
        public Integer call() throws Exception {
            return connection.run("show", dlq -> {
                Optional<Map<String, Object>> properties = dlq.show(mailId);
                if (properties.isEmpty()) {
                    System.err.println("mailgrid dlq show: no mail " + mailId + " in " + Queues.DLQ);
                    return MailgridCommand.EXIT_FAILURE;
                }
                properties.get().forEach((name, value) ->
                        System.out.println(name + ": " + ControlCharacters.escape(String.valueOf(value))));
                return 0;
            });
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Send dead letters back to the queue they failed in, with a fresh attempt count.")
    static final class RetryCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws Exception {
            return connection.run("retry", dlq -> {
                DeadLetters.Retried retried = dlq.retry(selection.filter());
                retried.byQueue().forEach((queue, count) -> System.out.println("Retried " + count + " mail(s) to " + queue));
                retried.leftBehind().forEach((id, why) -> System.err.println("mailgrid dlq retry: left " + id + ": " + why));
                if (retried.total() == 0) {
                    System.err.println("mailgrid dlq retry: no such mail in " + Queues.DLQ);
                    return MailgridCommand.EXIT_FAILURE;
                }
                return retried.leftBehind().isEmpty() ? 0 : MailgridCommand.EXIT_FAILURE;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete dead letters for good.")
    static final class DeleteCommand implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Selection selection;

        @Override
        public Integer call() throws Exception {
            return connection.run("delete", dlq -> {
                int deleted = dlq.delete(selection.filter());
                System.out.println("Deleted " + deleted + " mail(s) from " + Queues.DLQ);
                return deleted == 0 ? MailgridCommand.EXIT_FAILURE : 0;
            });
        }
    }
}
