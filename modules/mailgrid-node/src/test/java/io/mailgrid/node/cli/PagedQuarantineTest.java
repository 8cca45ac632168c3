package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.node.runtime.QuarantineTestSupport;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.Maildir;

/**
 * The quarantine command on a quarantine that pages (issue 10, case 7). Paging is forced with
 * small limits for mailgrid.quarantine in this test's broker, in the shipped proportions: the
 * address pages above max-size (64 MB shipped, 64 KB here) and a queue reads at most
 * max-read-page-bytes back from the page files (20 MB by default, 16 KB here).
 */
class PagedQuarantineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void releaseAndDeleteShouldFindAMailThatOnlyThePageFilesHold() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            a.node.embeddedBroker().server().getAddressSettingsRepository().addMatch(Queues.QUARANTINE,
                    new AddressSettings().setMaxSizeBytes(64 * 1024).setMaxReadPageBytes(16 * 1024)
                            .setPageSizeBytes(32 * 1024).setMaxDeliveryAttempts(-1).setRedeliveryDelay(0));
            List<String> ids = QuarantineTestSupport.quarantineAsAGrabberDoes(a.config, 120); // 4 KB each: about 480 KB, most of it paged
            assertThat(a.node.embeddedBroker().server().getPagingManager()
                    .getPageStore(SimpleString.of(Queues.QUARANTINE)).isPaging()).as("the quarantine pages").isTrue();
            String released = ids.get(100);
            String deleted = ids.get(110);

            assertThat(TestNode.runCommand("quarantine", "list", "--broker", a.brokerUrl())).contains(released, deleted)
                    .contains("120 mail(s)");
            assertThat(TestNode.runCommand("quarantine", "show", "--broker", a.brokerUrl(), released)).contains("mailgrid_id: " + released);

            assertThat(TestNode.runCommand("quarantine", "release", "--broker", a.brokerUrl(), released))
                    .contains("Released " + released);
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            Maildir.Delivered delivered = a.outbox().mails().get(0);
            assertThat(delivered.mailId()).isEqualTo(released);
            assertThat(delivered.stamp("Released")).isPresent();

            assertThat(TestNode.runCommand("quarantine", "delete", "--broker", a.brokerUrl(), deleted)).contains("Deleted " + deleted);

            String list = TestNode.runCommand("quarantine", "list", "--broker", a.brokerUrl());
            assertThat(list).contains("118 mail(s)").doesNotContain(released).doesNotContain(deleted);
            assertThat(a.depth(Queues.QUARANTINE)).isEqualTo(118);
            assertThat(MailgridCommand.execute("quarantine", "release", "--broker", a.brokerUrl(), released))
                    .as("released once, never twice").isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(MailgridCommand.execute("quarantine", "delete", "--broker", a.brokerUrl(), deleted))
                    .isEqualTo(MailgridCommand.EXIT_FAILURE);
        }
    }
}
