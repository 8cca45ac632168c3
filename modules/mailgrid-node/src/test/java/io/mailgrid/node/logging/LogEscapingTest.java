package io.mailgrid.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

/**
 * The shipped logback.xml writes every event as one line with no control character, whoever
 * logs it (Mailgrid, Camel, Artemis) and whatever its message or exception says.
 */
class LogEscapingTest {

    @Test
    void everyLoggerShouldWriteOneLinePerEventWithControlCharactersEscaped() throws Exception {
        String output = logWithShippedConfiguration(context -> {
            Logger camel = context.getLogger("org.apache.camel.forged");
            camel.warn("file {} rejected", "a.txt\n12:00:00.000 INFO  [main] i.m.n.Publishing - Mail 1 delivered\u001b[2J\u0007");
            context.getLogger("io.mailgrid.node.Publishing").error("failed",
                    new IllegalStateException("bad name 'x\r\n12:00:00.000 INFO  forged'", new RuntimeException("cause\u001b]0;t\u0007")));
        });

        assertThat(output.lines()).noneMatch(line -> line.startsWith("12:00:00.000 INFO"));
        assertThat(output).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\r");
        assertThat(output).contains("file a.txt\\n12:00:00.000 INFO  [main] i.m.n.Publishing - Mail 1 delivered\\u001b[2J\\u0007 rejected")
                .contains("java.lang.IllegalStateException: bad name 'x\\r\\n12:00:00.000 INFO  forged'")
                .contains("Caused by: java.lang.RuntimeException: cause\\u001b]0;t\\u0007")
                .contains("\tat io.mailgrid.node.logging.LogEscapingTest");
    }

    interface Logging {
        void log(LoggerContext context);
    }

    /** Configures a fresh Logback context from the shipped logback.xml and returns what its console got. */
    private static String logWithShippedConfiguration(Logging logging) throws Exception {
        URL shipped = LogEscapingTest.class.getResource("/logback.xml");
        assertThat(shipped).as("logback.xml on the class path").isNotNull();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(shipped);
            logging.log(context);
        } finally {
            context.stop();
            System.setOut(original);
        }
        context.getStatusManager().getCopyOfStatusList().stream().filter(s -> s.getLevel() > 0)
                .forEach(s -> System.err.println("logback: " + s));
        return captured.toString(StandardCharsets.UTF_8);
    }
}
