package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long MIB = 1 << 20;

    @Test
    void tryReserveShouldTakeWhatIsFreeAndRefuseTheRestWithoutWaiting() {
        MemoryBudget budget = new MemoryBudget(4 * MIB);

        MemoryBudget.Reservation three = budget.tryReserve(3 * MIB).orElseThrow();
        assertThat(budget.availableBytes()).isEqualTo(MIB);
        assertThat(budget.tryReserve(2 * MIB)).isEmpty();
        assertThat(budget.couldReserveNow(2 * MIB)).isFalse();
        assertThat(budget.couldReserveNow(MIB)).isTrue();

        three.close();
        three.close(); // once only
        assertThat(budget.availableBytes()).isEqualTo(4 * MIB);
        assertThat(budget.tryReserve(5 * MIB)).as("more than the whole budget never fits without waiting").isEmpty();
    }

    @Test
    void aReservationShouldGrowOnlyByWhatIsFree() {
        MemoryBudget budget = new MemoryBudget(MIB);
        MemoryBudget.Reservation growing = budget.tryReserve(0).orElseThrow();

        assertThat(growing.tryGrow(600 * 1024)).isTrue();
        assertThat(growing.tryGrow(600 * 1024)).isFalse();
        assertThat(growing.bytes()).isEqualTo(600 * 1024);
        growing.close();
        assertThat(budget.availableBytes()).isEqualTo(MIB);
    }

    @Test
    void aWaitingReservationShouldNotBeOvertakenByTryReserve() throws Exception {
        MemoryBudget budget = new MemoryBudget(4 * MIB);
        MemoryBudget.Reservation held = budget.tryReserve(3 * MIB).orElseThrow();
        CompletableFuture<MemoryBudget.Reservation> large = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.reserve(2 * MIB); // a grabber with a large mail waits
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !budget.couldReserveNow(1));

        assertThat(budget.tryReserve(512 * 1024)).as("ingress must not starve the waiting grabber").isEmpty();
        held.close();
        assertThat(large.get().bytes()).isEqualTo(2 * MIB);
    }

    @Test
    void reserveShouldCapARequestLargerThanTheBudgetSoThatMailRunsAlone() throws Exception {
        MemoryBudget budget = new MemoryBudget(2 * MIB);

        try (MemoryBudget.Reservation all = budget.reserve(75 * MIB)) {
            assertThat(all.bytes()).isEqualTo(2 * MIB);
            assertThat(budget.availableBytes()).isZero();
        }
    }

    @Test
    void theConfiguredBudgetShouldDefaultToFortyPercentOfTheHeapAndRefuseNonsense() {
        MailgridConfig empty = MailgridConfig.of(Map.of(CoreSettingsCatalog.MEMORY_MAIL_BUDGET, ""));
        assertThat(MemoryBudget.from(empty).totalBytes())
                .isCloseTo(Runtime.getRuntime().maxMemory() * 2 / 5, org.assertj.core.data.Offset.offset(1024L));
        assertThat(MemoryBudget.from(MailgridConfig.of(Map.of(CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "3MB"))).totalBytes())
                .isEqualTo(3 * MIB);
        assertThatThrownBy(() -> MemoryBudget.from(MailgridConfig.of(Map.of(CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "12"))))
                .hasMessageContaining(CoreSettingsCatalog.MEMORY_MAIL_BUDGET);
    }
}
