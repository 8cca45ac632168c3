package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.impl.SelectorParser;
import org.junit.jupiter.api.Test;

/** The required-checks rule: one canonical text per set, and a selector that admits exactly the subsets of a chain. */
class RequiredChecksTest {

    private static final List<String> CHAIN = List.of("virus-scan", "attachment-policy", "content-rules");

    @Test
    void theTextShouldBeTheSameWhateverTheOrderOfTheChain() {
        assertThat(RequiredChecks.of(List.of("virus-scan", "attachment-policy")).encode())
                .isEqualTo(RequiredChecks.of(List.of("attachment-policy", "virus-scan")).encode())
                .isEqualTo("attachment-policy,virus-scan");
        assertThat(RequiredChecks.parse("attachment-policy, virus-scan")).isEqualTo(RequiredChecks.of(List.of("virus-scan", "attachment-policy")));
        assertThat(RequiredChecks.parse("").names()).isEmpty();
        assertThat(RequiredChecks.parse(null).encode()).isEmpty();
    }

    @Test
    void aChainShouldSatisfyOnlyTheRequirementsItContains() {
        RequiredChecks full = RequiredChecks.of(CHAIN);

        assertThat(full.satisfiedBy(CHAIN)).isTrue();
        assertThat(full.satisfiedBy(List.of("attachment-policy", "content-rules"))).isFalse();
        assertThat(full.missingFrom(List.of("attachment-policy", "content-rules"))).containsExactly("virus-scan");
        assertThat(RequiredChecks.of(List.of()).satisfiedBy(List.of())).isTrue();
    }

    @Test
    void theSelectorShouldAdmitExactlyTheMailsWhoseRequiredChecksTheChainRuns() throws Exception {
        BooleanExpression withoutScanner = SelectorParser.parse(RequiredChecks.selector(List.of("attachment-policy", "content-rules"), false));

        assertThat(withoutScanner.matches(mail("attachment-policy,content-rules"))).isTrue();
        assertThat(withoutScanner.matches(mail("content-rules"))).isTrue();
        assertThat(withoutScanner.matches(mail(""))).as("a mail that requires nothing").isTrue();
        assertThat(withoutScanner.matches(mail("attachment-policy,content-rules,virus-scan"))).isFalse();
        assertThat(withoutScanner.matches(mail("virus-scan"))).isFalse();
        assertThat(withoutScanner.matches(mail("attachment-policy,clamd"))).as("a check it has never heard of").isFalse();
        assertThat(withoutScanner.matches(mail("content-rules,attachment-policy"))).as("not canonical: never written so").isFalse();
        assertThat(withoutScanner.matches(mail(null))).as("unmarked mail only when asked for").isFalse();

        BooleanExpression sameOrigin = SelectorParser.parse(RequiredChecks.selector(List.of("attachment-policy", "content-rules"), true));
        assertThat(sameOrigin.matches(mail(null))).isTrue();
        assertThat(sameOrigin.matches(mail("virus-scan"))).isFalse();
    }

    @Test
    void aNodeShouldRequireItsChainPlusTheListedChecksAndAWorkerOnlyWhatItRuns() {
        MailgridConfig none = MailgridConfig.of(Map.of());
        MailgridConfig virusScan = MailgridConfig.of(Map.of(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS, "virus-scan"));

        assertThat(RequiredChecks.forNode(none, CHAIN, true).names()).containsExactlyInAnyOrderElementsOf(CHAIN);
        assertThat(RequiredChecks.forNode(virusScan, List.of("content-rules"), false).encode()).isEqualTo("content-rules,virus-scan");
        assertThat(RequiredChecks.forNode(virusScan, List.of(), false).encode()).as("a host with no chain").isEqualTo("virus-scan");
        assertThatThrownBy(() -> RequiredChecks.forNode(virusScan, List.of("content-rules"), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS)
                .hasMessageContaining("lacks 'virus-scan'");
        assertThatThrownBy(() -> RequiredChecks.forNode(MailgridConfig.of(Map.of(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS,
                "Virus Scan")), CHAIN, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS);
    }

    @Test
    void aChainTooLongForTheSelectorOrABadNameShouldBeRefused() {
        List<String> thirteen = java.util.stream.IntStream.range(0, 13).mapToObj(i -> "check-" + i).toList();
        assertThatThrownBy(() -> RequiredChecks.selector(thirteen, false)).hasMessageContaining("at most 12");
        assertThatThrownBy(() -> RequiredChecks.parse("virus-scan,Bad Name")).hasMessageContaining("not a check name");
        assertThatThrownBy(() -> RequiredChecks.selector(List.of("x' OR 1=1 OR 'y"), false)).hasMessageContaining("not a check name");
    }

    /** A mail as Artemis's selector sees it: its properties (the broker evaluates consumers' selectors so). */
    private static Filterable mail(String required) {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(MailProperty.SIZE, 100L));
        if (required != null) {
            properties.put(MailProperty.REQUIRED_CHECKS, required); // the broker hands strings to filters
        }
        return new Filterable() {
            @Override
            public <T> T getBodyAs(Class<T> type) {
                return null;
            }

            @Override
            public Object getProperty(SimpleString name) {
                return properties.get(name.toString());
            }

            @Override
            public Object getLocalConnectionId() {
                return null;
            }
        };
    }
}
