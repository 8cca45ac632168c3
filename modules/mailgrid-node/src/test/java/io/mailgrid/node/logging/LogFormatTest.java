package io.mailgrid.node.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/** The shipped logback.xml in both formats: dates on every line, the mail id from the MDC, JSON for shippers (key-value pairs as fields). */
class LogFormatTest {

    @Test
    void textLinesShouldCarryTheDateAndTheMailIdFromTheMdc() throws Exception {
        String out = log(null);

        assertThat(out.lines()).hasSize(2);
        assertThat(out.lines().findFirst().orElseThrow())
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[.*\\] \\S+MailLog mail=m-1 - Mail m-1 delivered\\\\n forged\\\\u001b\\[2J");
        assertThat(out.lines().skip(1).findFirst().orElseThrow()).contains("MailLog - no mail here").doesNotContain("mail=");
    }

    @Test
    void jsonShouldBeOneObjectPerLineWithTheMailIdAndNoRawControlCharacter() throws Exception {
        String out = log("json");

        assertThat(out).doesNotContain("\u001b");
        JsonNode first = new ObjectMapper().readTree(out.lines().findFirst().orElseThrow());
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo("io.mailgrid.node.route.MailLog");
        assertThat(first.path("mdc").path("mailgrid_id").asText()).isEqualTo("m-1");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("Mail m-1 delivered\n forged\u001b[2J");
        assertThat(first.path("timestamp").asLong()).isPositive();
        assertThat(first.path("kvpList").toString()).as("the next hop's reply as a field of its own")
                .contains("{\"next_hop_reply\":\"250 2.0.0 Ok: queued as 4XyZ12\"}");
        assertThat(out.lines()).hasSize(2);
    }

    @Test
    void anUnknownFormatShouldFailNamingTheKey() {
        assertThatThrownBy(() -> LogFormat.of(MailgridConfig.of(Map.of(LogFormat.KEY, "xml"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(LogFormat.KEY).hasMessageContaining("xml");
        assertThat(LogFormat.of(MailgridConfig.of(Map.of(LogFormat.KEY, "JSON")))).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.of(MailgridConfig.of(Map.of()))).isEqualTo(LogFormat.TEXT);
    }

    /** Two events through the shipped logback.xml with this format (null: the default), as the console got them. */
    private static String log(String format) throws Exception {
        URL shipped = LogFormatTest.class.getResource("/logback.xml");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        LogbackMDCAdapter mdc = new LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        try {
            if (format != null) {
                context.putProperty(LogFormat.KEY, format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(shipped);
            mdc.put("mailgrid_id", "m-1");
            context.getLogger("io.mailgrid.node.route.MailLog").atInfo().addKeyValue("next_hop_reply", "250 2.0.0 Ok: queued as 4XyZ12")
                    .log("Mail {} delivered\n forged\u001b[2J", "m-1");
            mdc.remove("mailgrid_id");
            context.getLogger("io.mailgrid.node.route.MailLog").info("no mail here");
        } finally {
            context.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
