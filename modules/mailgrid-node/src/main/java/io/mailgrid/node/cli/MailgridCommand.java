package io.mailgrid.node.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.mailgrid.broker.BrokerStartException;
import io.mailgrid.core.BrokerDidNotTakeException;
import io.mailgrid.core.BrokerFault;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;
import io.mailgrid.node.cli.DlqCommand;

/** The {@code mailgrid} command line: run a node, a broker, submit mail, show status, forget a node, handle the quarantine. */
@Command(name = "mailgrid", mixinStandardHelpOptions = true, version = "Mailgrid 0.1.0",
        description = "Clustered mail-policy processing on Apache Artemis and Apache Camel.",
        footer = {"", "Shell completion (bash, zsh): source <(./mailgrid generate-completion)"},
        subcommands = {RunCommand.class, BrokerCommand.class, SubmitCommand.class, StatusCommand.class,
                MaintenanceCommand.class, ForgetCommand.class, QuarantineCommand.class, DlqCommand.class, MergeBrokerConfigCommand.class,
                HashPasswordCommand.class, BenchCommand.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class})
public final class MailgridCommand implements Runnable {

    /** Exit code for bad settings or arguments. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the broker or another runtime part failed. */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns the exit code (for tests). What the commands print goes to a
     * {@link TerminalSafePrintStream}: no control character from a mail reaches the terminal.
     */
    public static int execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(TerminalSafePrintStream.wrap(out));
        System.setErr(TerminalSafePrintStream.wrap(err));
        try {
            return executeCommand(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static int executeCommand(String... args) {
        CommandLine commandLine = new CommandLine(new MailgridCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("mailgrid: " + e.getMessage());
                return EXIT_USAGE;
            }
            if (e instanceof BrokerStartException || e instanceof BrokerDidNotTakeException) {
                cmd.getErr().println("mailgrid: " + e.getMessage());
                return EXIT_FAILURE;
            }
            if (BrokerFault.of(e).isPresent()) {
                // a command that could not connect: one line naming the cause, not a stack trace
                cmd.getErr().println("mailgrid: cannot reach the broker (stopped, or the network or --broker / "
                        + CoreSettingsCatalog.BROKER_URL + " is wrong): " + e.getMessage());
                return EXIT_FAILURE;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    /** JSON for {@code --json} output: dates as ISO-8601 text. */
    public static String json(Object value) throws JsonProcessingException {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(value);
    }

    /** Options every command that reads the settings shares. */
    public static final class ConfigOptions {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Properties file (default: config/mailgrid.properties in the Mailgrid home)")
        Path configFile;

        // as the README writes it: ./mailgrid run -Dmailgrid.node.role=host (a system property of the JVM works too)
        @Option(names = "-D", paramLabel = "KEY=VALUE",
                description = "Set a key of the properties file, e.g. -Dmailgrid.node.role=host (repeatable;"
                        + " the named options above win)")
        Map<String, String> settings = new HashMap<>();

        public MailgridConfig load(Map<String, String> overrides) {
            Set<String> declared = SettingsCatalog.all().stream().map(Setting::key).collect(Collectors.toSet());
            settings.keySet().stream().filter(key -> !declared.contains(key) && !key.startsWith("camel.")).findFirst()
                    .ifPresent(key -> {
                        // a typo must not pass for a setting that took effect
                        throw new ConfigException("-D" + key + ": no such setting (see config/mailgrid.properties)");
                    });
            Map<String, String> present = new HashMap<>(settings);
            overrides.forEach((key, value) -> {
                if (value != null) {
                    present.put(key, value);
                }
            });
            return MailgridHome.fromSystem().load(configFile, present);
        }
    }
}
