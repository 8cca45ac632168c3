package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ForwardedClientTest {

    @Test
    void attributesOfSeveralCommandsShouldAddUpAndALaterValueWin() {
        ForwardedClient client = ForwardedClient.none()
                .with("NAME=old.example.net ADDR=192.0.2.7")
                .with("name=mx.example.net helo=mx.example.net proto=ESMTP");

        assertThat(client.address("127.0.0.1")).contains("192.0.2.7");
        assertThat(client.helo("relay")).contains("mx.example.net");
        assertThat(client.describe("127.0.0.1")).isEqualTo("mx.example.net[192.0.2.7] helo=mx.example.net proto=ESMTP via 127.0.0.1");
    }

    @Test
    void withoutXforwardTheConnectingClientShouldStand() {
        assertThat(ForwardedClient.none().address("127.0.0.1")).contains("127.0.0.1");
        assertThat(ForwardedClient.none().helo("relay")).contains("relay");
        assertThat(ForwardedClient.none().describe("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void unavailableShouldMeanUnknownNotTheRelaysOwnValues() {
        ForwardedClient client = ForwardedClient.none().with("NAME=[TEMPUNAVAIL] ADDR=[UNAVAILABLE] HELO=[UNAVAILABLE]");

        assertThat(client.address("127.0.0.1")).isEmpty();
        assertThat(client.helo("relay")).isEmpty();
        assertThat(client.describe("127.0.0.1")).isEqualTo("unknown[unknown] helo=unknown via 127.0.0.1");
    }

    @Test
    void xtextShouldBeDecodedAndIpv6Normalised() {
        ForwardedClient client = ForwardedClient.none().with("ADDR=IPv6:2001:DB8::1 IDENT=a+2Bb");

        assertThat(client.address("127.0.0.1")).contains("2001:db8:0:0:0:0:0:1");
        assertThat(client.describe("x")).contains("ident=a+b");
    }

    @Test
    void valuesThatCouldForgeALogLineOrTriggerALookupShouldBeRefused() {
        ForwardedClient none = ForwardedClient.none();
        assertThatThrownBy(() -> none.with("HELO=a+0D+0Ab")).hasMessageContaining("printable");
        assertThatThrownBy(() -> none.with("HELO=a+20b")).hasMessageContaining("printable");
        assertThatThrownBy(() -> none.with("NAME=caf\u00e9")).hasMessageContaining("printable");
        assertThatThrownBy(() -> none.with("ADDR=mx.example.net")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> none.with("ADDR=1.2.3")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> none.with("ADDR=999.1.1.1")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> none.with("HELO=x+4")).hasMessageContaining("xtext");
        assertThatThrownBy(() -> none.with("HELO=")).hasMessageContaining("Empty");
        assertThatThrownBy(() -> none.with("PORT=25")).hasMessageContaining("Bad XFORWARD attribute name: PORT");
        assertThatThrownBy(() -> none.with("NAME")).hasMessageContaining("Syntax");
        assertThatThrownBy(() -> none.with(" ")).hasMessageContaining("Syntax");
        assertThatThrownBy(() -> none.with("NAME=" + "a".repeat(256))).hasMessageContaining("longer than 255");
    }
}
