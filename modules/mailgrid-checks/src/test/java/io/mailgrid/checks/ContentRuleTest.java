package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a keyword rule matches: whole words, any case, any white space between its words. */
class ContentRuleTest {

    @ParameterizedTest(name = "''{0}'' in ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "bluebird          | bluebird                 | true",
            "bluebird          | (Bluebird).              | true",
            "bluebird          | say BLUEBIRD             | true",
            "bluebird          | bluebirds                | false",
            "bluebird          | mybluebird               | false",
            "bluebird          | 7bluebird                | false",
            "bluebird          | _bluebird                | false",
            "bluebird          | ébluebird                | false",
            "bluebird          | blue bird                | false",
            "Project Bluebird  | project\t  bluebird      | true",
            "Project Bluebird  | subproject bluebird      | false",
            "Project Bluebird  | project bluebirds        | false",
            "ärger             | ÄRGER!                   | true",
            "ärger             | verärger                 | false",
            "c++               | we use C++ here          | true",
    })
    void aKeywordShouldMatchWholeWordsOnly(String words, String text, boolean matches) {
        ContentRule rule = ContentRule.keyword("k", Set.of(ContentRule.Where.BODY), words);

        assertThat(rule.pattern().matcher(text).find()).isEqualTo(matches);
    }
}
