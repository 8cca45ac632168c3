package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.ingress.SmtpSettings;
import io.mailgrid.testing.TestHome;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.ingress.IngressSettingsCatalog;

/**
 * Every {@code ./mailgrid ...} line of the README, in code blocks and inline code, runs through the
 * real command-line parser as written: a concrete example must parse (and its settings load), a
 * synopsis ({@code [--node NAME]}, {@code on|off}) may only name options that exist.
 */
class ReadmeExamplesTest {

    /** A command after the launcher, up to a comment, a redirection, a pipe or a background '&'. */
    private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s`'(])(?:\\./|bin/|/opt/mailgrid/bin/)mailgrid\\s+([^`#>&\\n]*)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[|\\||\\.\\.\\.|\\b[A-Z][A-Z_]{2,}\\b");

    private static List<String> examples() throws Exception {
        String readme = Files.readString(TestHome.path().resolve("README.md"));
        Set<String> lines = new LinkedHashSet<>();
        Matcher matcher = COMMAND.matcher(readme);
        while (matcher.find()) {
            String args = matcher.group(1).strip();
            if (args.endsWith(")") && args.chars().filter(c -> c == ')').count() > args.chars().filter(c -> c == '(').count()) {
                args = args.substring(0, args.length() - 1).strip(); // inside $( ) or <( )
            }
            if (!args.startsWith("bench")) { // the benchmark is a program of its own (mailgrid-bench)
                lines.add(args);
            }
        }
        return new ArrayList<>(lines);
    }

    @Test
    void theReadmeShouldShowTheCommandsItPromises() throws Exception {
        assertThat(examples()).contains("run", "status", "run --broker tcp://127.0.0.1:61616 --node c --smtp-port 0 -Dmailgrid.node.role=host")
                .hasSizeGreaterThan(30);
    }

    @Test
    void everyConcreteExampleShouldParseAndLoadItsSettings() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String example : examples()) {
            if (PLACEHOLDER.matcher(example).find()) {
                continue;
            }
            try {
                ParseResult parsed = new CommandLine(new MailgridCommand()).parseArgs(tokens(example).toArray(String[]::new));
                while (parsed.hasSubcommand()) {
                    parsed = parsed.subcommand();
                }
                Object command = parsed.commandSpec().userObject();
                for (CommandSpec mixin : parsed.commandSpec().mixins().values()) {
                    if (mixin.userObject() instanceof MailgridCommand.ConfigOptions options) {
                        options.load(Map.of());
                    }
                }
                assertThat(command).isNotNull();
            } catch (CommandLine.ParameterException | ConfigException e) {
                failures.add(example + "  ->  " + e.getMessage());
            }
        }
        assertThat(failures).as("README examples that do not run as written").isEmpty();
    }

    @Test
    void everySynopsisShouldNameOnlyOptionsThatExist() throws Exception {
        List<String> failures = new ArrayList<>();
        CommandSpec root = new CommandLine(new MailgridCommand()).getCommandSpec();
        for (String example : examples()) {
            CommandSpec spec = root;
            for (String token : tokens(example.replace("[", " ").replace("]", " "))) {
                if (spec.subcommands().containsKey(token)) {
                    spec = spec.subcommands().get(token).getCommandSpec();
                } else if (token.startsWith("-")) {
                    String name = token.startsWith("-D") ? "-D" : token.split("=", 2)[0];
                    if (spec.findOption(name) == null) {
                        failures.add(example + "  ->  no option " + name + " in " + spec.qualifiedName());
                    }
                }
            }
        }
        assertThat(failures).as("README synopses naming options that do not exist").isEmpty();
    }

    @Test
    void theEnvironmentShouldOverrideAKeyTheOwnPropertiesFileLeavesOut() throws Exception {
        java.nio.file.Path own = Files.createTempFile("own", ".properties");
        try {
            Files.writeString(own, "mailgrid.node.name=a\n");
            MailgridConfig config = MailgridConfig.load(own, List.of(CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD),
                    Map.of(MailgridConfig.environmentName(CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD), "from-env"),
                    new java.util.Properties(), Map.of());
            assertThat(config.string(CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD)).isEqualTo("from-env");
            // the command line's loader declares every module's keys
            assertThatCode(() -> MailgridHome.fromSystem().load(own, Map.of())).doesNotThrowAnyException();
        } finally {
            Files.delete(own);
        }
    }

    @Test
    void aTypoInADashDSettingShouldStopTheCommandNotPassSilently() {
        assertThat(MailgridCommand.execute("status", "--broker", "tcp://127.0.0.1:1", "-Dmailgrid.node.rol=host"))
                .isEqualTo(MailgridCommand.EXIT_USAGE);
    }

    @Test
    void aSizeWithAUnitShouldBeASizeLimit() {
        MailgridConfig config = MailgridHome.fromSystem().load(null, Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "25MB"));
        assertThat(SmtpSettings.from(config).sizeLimit()).isEqualTo(25 * 1024 * 1024);
    }

    @Test
    void generateCompletionShouldPrintABashScriptThatKnowsEverySubcommand() {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = MailgridCommand.execute("generate-completion");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("complete -F _complete_mailgrid")
                .contains("dlq").contains("quarantine").contains("--older-than").contains("--check");
    }

    /** Words as a POSIX shell splits them, with single and double quotes. */
    static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    tokens.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
