package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ResendKeyTest {

    private static final byte[] DIGEST = new byte[32];

    private static Optional<String> key(String mail, String from, String... recipients) {
        return ResendKey.of(MailBody.of(mail.getBytes(StandardCharsets.UTF_8)), DIGEST, from, List.of(recipients));
    }

    @Test
    void theSameMailInTheSameEnvelopeShouldHaveTheSameKeyWhateverTheOrderOfRecipients() {
        String mail = "From: a@example.com\r\nMessage-ID: <1@example.com>\r\n\r\nHi\r\n";

        assertThat(key(mail, "a@example.com", "b@example.com", "c@example.com"))
                .isPresent()
                .isEqualTo(key(mail, "a@example.com", "c@example.com", "b@example.com"));
        assertThat(key(mail, "a@example.com", "b@example.com").orElseThrow()).hasSize(22);
    }

    @Test
    void anotherSenderRecipientOrBodyShouldGiveAnotherKey() {
        String mail = "Message-ID: <1@example.com>\r\n\r\nHi\r\n";
        String key = key(mail, "a@example.com", "b@example.com").orElseThrow();

        assertThat(key(mail, "x@example.com", "b@example.com")).isNotEqualTo(Optional.of(key));
        assertThat(key(mail, "a@example.com", "b@example.com", "c@example.com")).isNotEqualTo(Optional.of(key));
        assertThat(key(mail, "", "b@example.com")).isNotEqualTo(Optional.of(key));
        byte[] otherDigest = new byte[32];
        otherDigest[0] = 1;
        assertThat(ResendKey.key("<1@example.com>", "a@example.com", List.of("b@example.com"), otherDigest)).isNotEqualTo(key);
        assertThat(ResendKey.key("<1@example.com>", "a@example.com", List.of("b@example.com"), DIGEST)).isEqualTo(key);
    }

    @Test
    void aMailWithoutUsableMessageIdShouldHaveNoKey() {
        assertThat(key("Subject: none\r\n\r\nMessage-ID: <in-the-body@example.com>\r\n", "a@example.com", "b@example.com"))
                .as("a Message-ID in the body is not the mail's").isEmpty();
        assertThat(key("Message-ID:   \r\n\r\n", "a@example.com", "b@example.com")).isEmpty();
        assertThat(key("", "a@example.com", "b@example.com")).isEmpty();
        assertThat(key("X-Big: " + "x".repeat(ResendKey.MAX_HEADER_BYTES) + "\r\nMessage-ID: <late@example.com>\r\n\r\n",
                "a@example.com", "b@example.com")).as("beyond the headers read").isEmpty();
    }

    @Test
    void aFoldedOrOddlySpelledMessageIdHeaderShouldBeFound() {
        assertThat(ResendKey.messageId(MailBody.of("message-id:\r\n <folded@example.com>\r\n\r\n".getBytes(StandardCharsets.US_ASCII))))
                .contains("<folded@example.com>");
        assertThat(ResendKey.messageId(MailBody.of("Subject: x\nMessage-Id: <lf@example.com>\n\nbody\n".getBytes(StandardCharsets.US_ASCII))))
                .contains("<lf@example.com>");
    }

    @Test
    void readingTheMessageIdShouldNotSearchTheClassPathForEveryMail() {
        // Jakarta Mail's InternetHeaders looked up its StreamProvider with a ServiceLoader on every call:
        // a walk over every jar of the class path per received mail, a quarter of the node's CPU on SMTP in
        CountingLoader loader = new CountingLoader(Thread.currentThread().getContextClassLoader());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            assertThat(ResendKey.messageId(MailBody.of("Message-ID: <1@example.com>\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII))))
                    .contains("<1@example.com>");
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        assertThat(loader.lookups).as("class path lookups for one mail").isEmpty();
    }

    @Test
    void theMessageIdShouldBeReadAsJakartaMailReadsItSoKeysStayTheSameAcrossVersions() throws Exception {
        // nodes of the version before read the Message-ID with Jakarta Mail's InternetHeaders; a mail resent
        // to a node of either version must get the same key
        List<String> mails = List.of(
                "Message-ID: <plain@example.com>\r\n\r\nbody\r\n",
                "Subject: x\nMessage-Id: <lf@example.com>\n\nbody\n",
                "Subject: x\rMessage-Id: <cr@example.com>\r\rbody\r",
                "message-id:\r\n <folded@example.com>\r\n\r\n",
                "Message-ID: <a\r\n\t@b.example>  \r\nSubject: y\r\n\r\n",
                "Message-ID : <space-before-colon@example.com>\r\n\r\n",
                "Message-ID:<no-space@example.com>\r\n\r\n",
                "Message-ID: <first@example.com>\r\nMessage-ID: <second@example.com>\r\n\r\n",
                "Message-ID:\r\nMessage-ID: <second-after-empty@example.com>\r\n\r\n",
                "Message-ID: <ünïcode@exämple.com>\r\n\r\n",
                "Message-ID: <8bit-\u00ff\u00fe@example.com>\r\n\r\n",
                "X-No-Colon-Line\r\nMessage-ID: <after-junk@example.com>\r\n\r\n",
                " Message-ID: <leading-space@example.com>\r\n\r\n",
                "Subject: a\r\n folded subject\r\nMessage-ID: <after-fold@example.com>\r\n",
                "Subject: no blank line\r\nMessage-ID: <at-end@example.com>",
                "Subject: x\r\n\r\nMessage-ID: <in-body@example.com>\r\n",
                "Message-ID:   \r\n\r\n",
                "Message-ID: <tabs@example.com>\t\t\r\n\r\n",
                "Message-IDs: <not-it@example.com>\r\nMessage-ID: <it@example.com>\r\n\r\n",
                "");
        for (String mail : mails) {
            for (java.nio.charset.Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
                byte[] bytes = mail.getBytes(charset);
                assertThat(ResendKey.messageId(MailBody.of(bytes))).as("%s in %s", mail, charset).isEqualTo(jakartaMail(bytes));
            }
        }
    }

    /** What the version before read: Jakarta Mail's InternetHeaders, unfolded and trimmed. */
    private static Optional<String> jakartaMail(byte[] mail) throws Exception {
        String value = new jakarta.mail.internet.InternetHeaders(new java.io.ByteArrayInputStream(mail), true)
                .getHeader("Message-ID", null);
        String id = value == null ? "" : jakarta.mail.internet.MimeUtility.unfold(value).trim();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /** A class loader that records every resource search made through it. */
    private static final class CountingLoader extends ClassLoader {
        final List<String> lookups = new java.util.concurrent.CopyOnWriteArrayList<>();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws java.io.IOException {
            lookups.add(name);
            return super.getResources(name);
        }

        @Override
        public java.net.URL getResource(String name) {
            lookups.add(name);
            return super.getResource(name);
        }
    }
}
