package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.Checks;
import io.mailgrid.checks.PolicyModel;
import io.mailgrid.cluster.ConfigHash;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/** The policy hash nodes compare: the routes as Camel loaded them, and the files their check steps name. */
class PolicyHashTest {

    @TempDir
    Path dir;

    @Test
    void theSamePolicyWrittenDifferentlyShouldHashTheSame() throws Exception {
        Path tidy = routes("tidy", step("check:content-rules?id=confidential&amp;file=" + rules("r1", "a any keyword secret")));
        String messy = Files.readString(tidy.resolve("policy.xml")).replace("<to ", "<!-- an operator's note -->\n      <to  ");
        Path edited = Files.createDirectories(dir.resolve("edited"));
        copyRoutes(edited);
        Files.writeString(edited.resolve("policy.xml"), messy);

        assertThat(hash(edited)).isEqualTo(hash(tidy));
    }

    @Test
    void aChangedStepParameterOrTheContentOfAFileAStepNamesShouldChangeTheHash() throws Exception {
        Path file = rules("r", "a any keyword secret");
        Path before = routes("before", step("check:content-rules?id=confidential&amp;file=" + file));
        String original = hash(before);

        assertThat(hash(routes("other-id", step("check:content-rules?id=secret&amp;file=" + file)))).isNotEqualTo(original);
        Files.writeString(file, "a any keyword secret\nb any keyword classified\n");
        assertThat(hash(before)).as("a rule added to the file only a step names").isNotEqualTo(original);
    }

    private String hash(Path routes) throws Exception {
        MailgridConfig config = TestHome.config("a", dir.resolve("data"), 61616, Map.of(CoreSettingsCatalog.ROUTES_DIR, routes.toString()));
        try (CamelContext camel = PolicyModel.load(routes, new Properties())) {
            Checks checks = new Checks(config);
            checks.load(camel);
            return ConfigHash.of(PolicyModel.routesAsLoaded(camel), checks.stepFiles(), config.asMap());
        }
    }

    private static String step(String uri) {
        return "<to uri=\"" + uri + "\"/>";
    }

    private Path rules(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name + ".txt"), content + "\n");
    }

    private Path routes(String name, String steps) throws Exception {
        Path routes = Files.createDirectories(dir.resolve(name));
        copyRoutes(routes);
        Files.writeString(routes.resolve("policy.xml"), """
                <routes xmlns="http://camel.apache.org/schema/spring">
                  <route id="policy-chain" routeConfigurationId="policy-errors">
                    <from uri="direct:policy-chain"/>
                    %s
                  </route>
                </routes>
                """.formatted(steps), StandardCharsets.UTF_8);
        return routes;
    }

    private static void copyRoutes(Path target) throws Exception {
        try (var files = Files.list(TestHome.routes())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }
}
