package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupedDirectorySyncTest {

    private static final Path DIR = Path.of("/maildir/new");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Threads of their own: the common pool may have one thread on a small machine. */
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void callersArrivingDuringAFlushShouldShareTheNextFlush() throws Exception {
        HeldForce force = new HeldForce();
        GroupedDirectorySync sync = new GroupedDirectorySync(force);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        force.awaitEntered(1);

        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(CompletableFuture.runAsync(() -> syncQuietly(sync), callers));
        }
        await().atMost(WAIT).until(() -> sync.waiting() == 5);
        force.releaseAll();
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(force.calls()).as("one flush for the first caller, one shared by the five behind it").isEqualTo(2);
    }

    @Test
    void aCallerShouldNotReturnOnAFlushThatBeganBeforeItsCall() throws Exception {
        HeldForce force = new HeldForce();
        GroupedDirectorySync sync = new GroupedDirectorySync(force);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        force.awaitEntered(1);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        await().atMost(WAIT).until(() -> sync.waiting() == 1);

        force.release(1); // the flush that began before the second call ends
        first.get(10, TimeUnit.SECONDS);
        force.awaitEntered(2);
        assertThat(second).as("still waiting for a flush of its own change").isNotDone();

        force.release(2);
        second.get(10, TimeUnit.SECONDS);
        assertThat(force.calls()).isEqualTo(2);
    }

    @Test
    void aFailedFlushShouldFailItsCallerAndBeFlushedAgainForThoseWaiting() throws Exception {
        HeldForce force = new HeldForce();
        force.failFirst = true;
        GroupedDirectorySync sync = new GroupedDirectorySync(force);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        force.awaitEntered(1);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> syncQuietly(sync), callers);
        await().atMost(WAIT).until(() -> sync.waiting() == 2);

        force.releaseAll();
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("disk gone");
        second.get(10, TimeUnit.SECONDS);
        third.get(10, TimeUnit.SECONDS);
        assertThat(force.calls()).as("the failed flush, then one for both waiting").isEqualTo(2);
    }

    @Test
    void directoriesShouldBeFlushedApart() throws Exception {
        HeldForce force = new HeldForce();
        force.releaseAll();
        GroupedDirectorySync sync = new GroupedDirectorySync(force);
        sync.sync(DIR);
        sync.sync(Path.of("/maildir/mailgrid/delivered/2026-12-01"));
        sync.sync(DIR);
        assertThat(force.calls()).as("sequential callers: each its own flush").isEqualTo(3);
    }

    private static void syncQuietly(GroupedDirectorySync sync) {
        try {
            sync.sync(DIR);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A flush the test holds until it lets it go; the first may fail. */
    private static final class HeldForce implements GroupedDirectorySync.Force {
        private final AtomicInteger calls = new AtomicInteger();
        private final List<CountDownLatch> entered = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        private final List<CountDownLatch> released = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        volatile boolean failFirst;

        @Override
        public void force(Path directory) throws IOException {
            int call = calls.incrementAndGet();
            if (call <= entered.size()) {
                entered.get(call - 1).countDown();
                try {
                    released.get(call - 1).await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (call == 1 && failFirst) {
                throw new IOException("disk gone");
            }
        }

        void awaitEntered(int call) throws InterruptedException {
            assertThat(entered.get(call - 1).await(10, TimeUnit.SECONDS)).as("flush %d began", call).isTrue();
        }

        int entered() {
            return (int) entered.stream().filter(l -> l.getCount() == 0).count();
        }

        void release(int call) {
            released.get(call - 1).countDown();
        }

        void releaseAll() {
            released.forEach(CountDownLatch::countDown);
        }

        int calls() {
            return calls.get();
        }
    }
}
