package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.condition.Conditions;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestMail;

/** Policy routes with conditions and outcomes, run in Camel as a node runs them (without the broker). */
class PolicyRoutesTest {

    @TempDir
    Path dir;

    private DefaultCamelContext camel;

    @AfterEach
    void close() throws Exception {
        if (camel != null) {
            camel.close();
        }
    }

    @Test
    void aStepUnderNamedConditionsShouldRunOnlyForTheMailTheyDescribe() throws Exception {
        start("""
                <camel xmlns="http://camel.apache.org/schema/spring">
                  <bean name="fromPartner" type="io.mailgrid.checks.condition.SenderDomain">
                    <properties><property key="domains" value="partner.example"/></properties>
                  </bean>
                  <route id="policy-chain">
                    <from uri="direct:policy-chain"/>
                    <filter>
                      <method ref="inbound"/>
                      <choice>
                        <when><method ref="fromPartner"/><log message="partner mail: executables allowed"/></when>
                        <otherwise><to uri="check:attachment-policy?blockedExtensions=exe"/></otherwise>
                      </choice>
                    </filter>
                  </route>
                </camel>
                """);
        byte[] exe = TestMail.to("bob@example.com").attachment("setup.exe", new byte[] {'M', 'Z'}).bytes();

        assertThat(run("eve@outside.example", List.of("bob@example.com"), exe).getMessage().getHeader(MailProperty.VERDICT))
                .isEqualTo("BLOCKED_ATTACHMENT");
        assertThat(run("ann@partner.example", List.of("bob@example.com"), exe).getMessage().getHeader(MailProperty.VERDICT))
                .isEqualTo("CLEAN");
        Exchange outbound = run("bob@example.com", List.of("eve@outside.example"), exe);
        assertThat(outbound.getMessage().getHeader(MailProperty.VERDICT)).isEqualTo("CLEAN");
        assertThat(outbound.getMessage().getHeader(MailProperty.CHECKS)).as("the step did not run").isNull();
    }

    @Test
    void aTagStepShouldDeliverTheMailMarkedAndALaterQuarantineShouldStillWin() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.txt"), "secret any keyword top secret\n");
        start("""
                <routes xmlns="http://camel.apache.org/schema/spring">
                  <route id="policy-chain">
                    <from uri="direct:policy-chain"/>
                    <filter>
                      <method ref="hasAttachment"/>
                      <to uri="check:attachment-policy?id=tag-exe&amp;blockedExtensions=exe&amp;outcome=tag&amp;tag=executable&amp;subjectPrefix=[EXE]"/>
                    </filter>
                    <to uri="check:content-rules?file=%s"/>
                  </route>
                </routes>
                """.formatted(rules));
        byte[] exe = TestMail.to("bob@example.com").subject("tools").attachment("setup.exe", new byte[] {'M', 'Z'}).bytes();

        Exchange tagged = run("eve@outside.example", List.of("bob@example.com"), exe);
        assertThat(tagged.getMessage().getHeader(MailProperty.VERDICT)).isEqualTo("CLEAN");
        assertThat(tagged.getMessage().getHeader(MailProperty.TAGS)).isEqualTo("executable");
        assertThat(tagged.getMessage().getHeader(MailProperty.CHECKS)).isEqualTo("tag-exe,content-rules");
        String bytes = new String(tagged.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
        assertThat(bytes).startsWith("X-Mailgrid-Tag: executable\r\n").contains("Subject: [EXE] tools");

        byte[] both = TestMail.to("bob@example.com").subject("top secret").attachment("setup.exe", new byte[] {'M', 'Z'})
                .bytes();
        Exchange quarantined = run("eve@outside.example", List.of("bob@example.com"), both);
        assertThat(quarantined.getMessage().getHeader(MailProperty.VERDICT)).isEqualTo("CONTENT_VIOLATION");
        assertThat(quarantined.getMessage().getHeader(MailProperty.REASON, String.class)).startsWith("content-rules: ");
    }

    @Test
    void aConditionBeanWithoutItsRequiredPropertyShouldFailStartUpNamingIt() {
        assertThatThrownBy(() -> start("""
                <camel xmlns="http://camel.apache.org/schema/spring">
                  <bean name="fromPartner" type="io.mailgrid.checks.condition.SenderDomain"/>
                  <route id="policy-chain">
                    <from uri="direct:policy-chain"/>
                    <filter><method ref="fromPartner"/><to uri="check:pass-all"/></filter>
                  </route>
                </camel>
                """)).hasMessageContaining("condition bean 'fromPartner': SenderDomain needs the property domains");
    }

    @Test
    void aBadDomainPatternShouldFailStartUpNamingTheProperty() {
        assertThatThrownBy(() -> start("""
                <camel xmlns="http://camel.apache.org/schema/spring">
                  <bean name="fromPartner" type="io.mailgrid.checks.condition.SenderDomain">
                    <properties><property key="domains" value="partner example"/></properties>
                  </bean>
                  <route id="policy-chain">
                    <from uri="direct:policy-chain"/>
                    <filter><method ref="fromPartner"/><to uri="check:pass-all"/></filter>
                  </route>
                </camel>
                """)).hasStackTraceContaining("SenderDomain.domains: 'partner example' is not an address or domain pattern");
    }

    private void start(String xml) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Path file = Files.writeString(routes.resolve("policy.xml"), xml);
        MailgridConfig config = Mails.config(dir, Map.of(CheckSettings.LOCAL_DOMAINS, "example.com"));
        Checks checks = new Checks(config);
        camel = new DefaultCamelContext(false);
        camel.getPropertiesComponent().setInitialProperties(config.asProperties());
        camel.getRegistry().bind("check", checks.component());
        Conditions.builtIn(config).forEach(camel.getRegistry()::bind);
        camel.build();
        PluginHelper.getRoutesLoader(camel).loadRoutes(PluginHelper.getResourceLoader(camel)
                .resolveResource("file:" + file.toAbsolutePath()));
        checks.load(camel);
        camel.start();
    }

    private Exchange run(String from, List<String> to, byte[] mail) {
        Exchange exchange = new DefaultExchange(camel);
        Map<String, Object> headers = new HashMap<>();
        headers.put(MailProperty.MAIL_ID, "m1");
        headers.put(MailProperty.ORIGIN, "a");
        headers.put(MailProperty.MAIL_FROM, from);
        headers.put(MailProperty.RCPT_TO, String.join(",", to));
        headers.put(MailProperty.SIZE, (long) mail.length);
        headers.put(MailProperty.VERDICT, "CLEAN");
        exchange.getMessage().setHeaders(headers);
        exchange.getMessage().setBody(mail);
        Exchange done = camel.createProducerTemplate().send("direct:policy-chain", exchange);
        assertThat(done.getException()).isNull();
        return done;
    }
}
