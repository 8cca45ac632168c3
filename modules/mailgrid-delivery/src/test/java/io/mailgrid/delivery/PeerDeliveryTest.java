package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a node may put a DOWN peer's outbound mail: only where that peer would. */
class PeerDeliveryTest {

    private static final MaildirDelivery.Options OPTIONS = new MaildirDelivery.Options(false, Duration.ofDays(30),
            Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    void thePeersOwnMaildirReachableHereShouldTakeItsMail() throws Exception {
        String announced = new MaildirDelivery(dir.resolve("a"), OPTIONS).target();

        PeerDelivery choice = PeerDelivery.choose(announced, new MaildirDelivery(dir.resolve("b"), OPTIONS), OPTIONS);

        assertThat(choice.delivers()).isTrue();
        assertThat(choice.delivery().target()).isEqualTo(announced);
    }

    @Test
    void anotherMaildirAtThePeersPathShouldLeaveTheMailWaitingAndSayWhy() throws Exception {
        Path path = dir.resolve("outbox");
        String announced = new MaildirDelivery(path, OPTIONS).target();
        Files.move(path, dir.resolve("elsewhere"));
        MaildirDelivery own = new MaildirDelivery(path, OPTIONS); // this node's own volume at the same path

        PeerDelivery choice = PeerDelivery.choose(announced, own, OPTIONS);

        assertThat(choice.delivers()).isFalse();
        assertThat(choice.waits()).contains(path.toString()).contains("another Maildir");
    }

    @Test
    void aMaildirThatDoesNotExistHereShouldLeaveTheMailWaiting() throws Exception {
        String announced = new MaildirDelivery(dir.resolve("a"), OPTIONS).target().replace(dir.toString(), "/nonexistent");

        PeerDelivery choice = PeerDelivery.choose(announced, new MaildirDelivery(dir.resolve("b"), OPTIONS), OPTIONS);

        assertThat(choice.waits()).contains("not reachable");
    }

    @Test
    void aMaildirAnnouncedWithoutIdentityShouldLeaveTheMailWaiting() throws Exception {
        new MaildirDelivery(dir.resolve("a"), OPTIONS);

        PeerDelivery choice = PeerDelivery.choose("maildir:" + dir.resolve("a"), new MaildirDelivery(dir.resolve("b"), OPTIONS),
                OPTIONS);

        assertThat(choice.waits()).contains("without an identity");
    }

    @Test
    void theSameRelayShouldTakeThePeersMailAndAnotherShouldNot() throws Exception {
        SmtpRelayDelivery relay = new SmtpRelayDelivery("127.0.0.1", 10025, Duration.ofSeconds(1), "test", 3);

        assertThat(PeerDelivery.choose("SMTP relay 127.0.0.1:10025", relay, OPTIONS).delivery()).isSameAs(relay);
        assertThat(PeerDelivery.choose("SMTP relay 10.0.0.9:25", relay, OPTIONS).waits()).contains("10.0.0.9:25");
        assertThat(PeerDelivery.choose(new MaildirDelivery(dir.resolve("gone"), OPTIONS).target()
                .replace(dir.toString(), "/nonexistent"), relay, OPTIONS).delivers()).isFalse();
    }
}
