package io.mailgrid.checks;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/** Shared fixtures for check tests: the shipped settings and mails under check. */
final class Mails {

    private Mails() {
    }

    /** The shipped config/mailgrid.properties with test overrides. */
    static MailgridConfig config(Path dir, Map<String, String> overrides) {
        return TestHome.config("a", dir, 61616, overrides);
    }

    static MailUnderCheck under(byte[] bytes) {
        return new MailUnderCheck(Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                Instant.now(), bytes.length), bytes);
    }
}
