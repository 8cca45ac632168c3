package io.mailgrid.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterPageTest {

    @Test
    void textFromHeartbeatsAndMailsShouldNeverBecomeMarkupOnThePage() {
        // a maintenance reason or a mail id is data an operator or a sender chose
        assertThat(ClusterPage.esc("<script>alert('x')</script> & \"q\""))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(ClusterPage.esc("line\r\nbreak\u001b[2J")).doesNotContain("\r", "\n", "\u001b");
    }
}
