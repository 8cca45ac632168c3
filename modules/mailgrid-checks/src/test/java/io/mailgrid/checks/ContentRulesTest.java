package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestMail;

/** Content rules from a rules file: keywords and regexes on subject, body text and attachment names. */
class ContentRulesTest {

    @TempDir
    Path dir;

    private ContentRules rules(String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve("rules.txt"), "# test rules\n\n" + String.join("\n", lines) + "\n");
        return ContentRules.from(Mails.config(dir, Map.of(ContentRulesSettings.FILE, file.toString())));
    }

    @Test
    void aKeywordShouldMatchWholeWordsInAnyCaseAcrossLineBreaksButNotInsideWords() throws Exception {
        ContentRules rules = rules("bluebird any keyword Project Bluebird");

        assertThat(rules.check(Mails.under(TestMail.to("b@x").body("About PROJECT\r\n bluebird today.\r\n").bytes())).verdict())
                .isEqualTo(Verdict.CONTENT_VIOLATION);
        assertThat(rules.check(Mails.under(TestMail.to("b@x").body("MyProject Bluebirds fly.\r\n").bytes())))
                .isEqualTo(CheckResult.clean());
    }

    @Test
    void aSubjectRuleShouldSeeTheDecodedSubjectAndNameTheRuleButNotTheText() throws Exception {
        ContentRules rules = rules("internal subject regex (?i)\\binternal only\\b");
        String encoded = "=?UTF-8?Q?Quartalszahlen_=E2=80=93_internal_only?=";

        CheckResult result = rules.check(Mails.under(TestMail.to("b@x").subject(encoded).bytes()));

        assertThat(result).isEqualTo(CheckResult.of(Verdict.CONTENT_VIOLATION, "rule 'internal' matched the subject"));
        assertThat(rules.check(Mails.under(TestMail.to("b@x").body("internal only\r\n").bytes())))
                .as("a subject rule ignores the body").isEqualTo(CheckResult.clean());
    }

    @Test
    void aBodyRuleShouldSeeDecodedTextPartsAndTextAttachments() throws Exception {
        ContentRules rules = rules("card body regex \\b4\\d{3}(?:[ -]?\\d{4}){3}\\b");
        byte[] quotedPrintable = MimeMail.to("b@x").rawPart("Content-Type: text/plain; charset=iso-8859-1\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nKarte: 4111 11=\r\n11 1111 1111 =E4\r\n").bytes();
        byte[] csv = MimeMail.to("b@x").text("see file")
                .attachment("export.csv", "text/csv", "name,card\r\nx,4111-1111-1111-1111\r\n".getBytes(StandardCharsets.US_ASCII)).bytes();

        assertThat(rules.check(Mails.under(quotedPrintable)).reason()).isEqualTo("rule 'card' matched the text of part 1");
        assertThat(rules.check(Mails.under(csv)).reason()).isEqualTo("rule 'card' matched the text of part 2");
        assertThat(rules.check(Mails.under(MimeMail.to("b@x").attachment("card.bin", "application/octet-stream",
                "4111 1111 1111 1111".getBytes()).bytes()))).as("binary parts are not text").isEqualTo(CheckResult.clean());
    }

    @Test
    void anAttachmentNameRuleShouldSeeTheDecodedFileName() throws Exception {
        ContentRules rules = rules("payroll attachment-name regex (?i)^payroll.*\\.csv$");

        CheckResult result = rules.check(Mails.under(MimeMail.to("b@x").text("hi")
                .attachment("Payroll-2026.csv", "application/octet-stream", new byte[3]).bytes()));

        assertThat(result.reason()).isEqualTo("rule 'payroll' matched the name of attachment 2");
    }

    @Test
    void aMatchAcrossTheBorderOfTwoWindowsShouldBeFound() throws Exception {
        ContentRules rules = rules("secret body keyword top secret");
        StringBuilder body = new StringBuilder();
        while (body.length() < ContentRules.WINDOW - 5) {
            body.append("filler text ");
        }
        body.setLength(ContentRules.WINDOW - 5);
        body.append(" top secret and more\r\n");

        assertThat(rules.check(Mails.under(TestMail.to("b@x").body(body.toString()).bytes())).verdict())
                .isEqualTo(Verdict.CONTENT_VIOLATION);
    }

    @Test
    void aTwentyFiveMegabyteBodyShouldBeSearchedInWindows() throws Exception {
        ContentRules rules = rules("needle body keyword needle-in-haystack");
        byte[] hay = "hay hay hay hay hay hay hay hay hay hay hay hay hay hay hay\r\n".repeat(420_000).getBytes(StandardCharsets.US_ASCII);
        byte[] end = "needle-in-haystack\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[hay.length + end.length];
        System.arraycopy(hay, 0, body, 0, hay.length);
        System.arraycopy(end, 0, body, hay.length, end.length);

        assertThat(body.length).isGreaterThan(25_000_000);
        assertThat(rules.check(Mails.under(TestMail.to("b@x").body(body).bytes())).verdict()).isEqualTo(Verdict.CONTENT_VIOLATION);
    }

    @Test
    void aBadRuleShouldFailStartUpNamingTheFileAndLine() {
        assertThatThrownBy(() -> rules("ok subject keyword fine", "broken body regex (unclosed"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rules.txt line 4: bad regular expression");
        assertThatThrownBy(() -> rules("x somewhere keyword y")).hasMessageContaining("unknown place 'somewhere'");
        assertThatThrownBy(() -> rules("x body glob y")).hasMessageContaining("unknown type 'glob'");
        assertThatThrownBy(() -> ContentRules.read(dir.resolve("missing.txt"))).hasMessageContaining(ContentRulesSettings.FILE);
    }

    @Test
    void theShippedRulesFileShouldLoadAndLetEveryMailPass() throws Exception {
        ContentRules shipped = ContentRules.from(Mails.config(dir, Map.of()));

        assertThat(shipped.describe()).contains("0 rules");
        assertThat(shipped.check(Mails.under(TestMail.to("b@x").subject("Project Bluebird").bytes()))).isEqualTo(CheckResult.clean());
    }
}
