package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.Envelope;

/**
 * Coverage-guided fuzz tests (Jazzer) of the envelope Mailgrid reads from the network and from files:
 * the envelope of pickup and submit (HeaderEnvelope, from the mail's own headers) and the addresses
 * ingress accepts. A normal test run replays the committed inputs
 * in {@code src/test/resources/io/mailgrid/ingress/EnvelopeFuzzTestInputs/<method>/}.
 *
 * <p>The property: a mail gets an envelope whose every address is one the rest of Mailgrid can carry
 * (no whitespace, comma, angle bracket or control character: recipients travel comma-separated, and
 * addresses are logged and shown), or a clear rejection; nothing else is thrown.
 */
class EnvelopeFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void headersShouldGiveACarriableEnvelopeOrARejection(byte[] mail) {
        HeaderEnvelope.Addresses addresses;
        try {
            addresses = HeaderEnvelope.derive(mail);
        } catch (RejectedMailException e) {
            return;
        }
        assertThat(addresses.recipients()).isNotEmpty().allMatch(EnvelopeFuzzTest::carriable);
        assertThat(addresses.mailFrom()).matches(EnvelopeFuzzTest::carriable);
    }

    @FuzzTest(maxDuration = "10m")
    void anAcceptedAddressShouldHoldNothingThatBreaksTheEnvelope(FuzzedDataProvider data) {
        String address = data.consumeRemainingAsString();
        if (Envelope.isAcceptableAddress(address)) {
            assertThat(carriable(address)).as(ControlCharacters.escape(address)).isTrue();
        }
    }

    private static boolean carriable(String address) {
        for (char c : address.toCharArray()) {
            if (c == ' ' || c == ',' || c == '<' || c == '>' || ControlCharacters.isUnsafe(c)) {
                return false;
            }
        }
        return true;
    }
}
