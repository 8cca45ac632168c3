package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

class MinDiskFreeSettingTest {

    @TempDir
    Path dir;

    private static MailgridConfig minDiskFree(String value) {
        return MailgridConfig.of(Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, value));
    }

    @Test
    void aMinDiskFreeThatIsNotASizeShouldStopTheStartNamingTheKey() {
        for (String bad : new String[] {"lots", "-1GB", "1 gigabyte"}) {
            assertThatThrownBy(() -> EmbeddedBroker.minDiskFree(minDiskFree(bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettingsCatalog.MIN_DISK_FREE);
        }
    }

    @Test
    void minDiskFreeShouldTakeSizesAndDefaultToOneGigabyteWhenMissing() {
        assertThat(EmbeddedBroker.minDiskFree(minDiskFree("512MB"))).isEqualTo(512L << 20);
        assertThat(EmbeddedBroker.minDiskFree(minDiskFree("2GB"))).isEqualTo(2L << 30);
        assertThat(EmbeddedBroker.minDiskFree(minDiskFree("0"))).isZero();
        assertThat(EmbeddedBroker.minDiskFree(MailgridConfig.of(Map.of()))).isEqualTo(1L << 30);
    }

    @Test
    void aBrokerWithLessFreeSpaceThanMinDiskFreeShouldCountItsDiskAsFullAndOneWithMoreShouldNot() {
        MailgridConfig roomy = TestHome.config("a", dir, TestHome.freePort(), Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1MB"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(roomy, dir.resolve("roomy"))) {
            assertThat(broker.server().getConfiguration().getMinDiskFree()).isEqualTo(1L << 20);
            assertThat(broker.server().getPagingManager().isDiskFull()).isFalse();
        }
        // more than any disk here has free: the broker must hold producers back from its first scan
        MailgridConfig full = TestHome.config("a", dir, TestHome.freePort(), Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(full, dir.resolve("full"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> broker.server().getPagingManager().isDiskFull());
        }
    }
}
