package io.mailgrid.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.mailgrid.core.MailProperty;

/** Policy steps that misbehave on purpose, for tests of redelivery, timeouts and crashes. */
public final class Steps {

    private Steps() {
    }

    /** Fails the first {@code failures} times it sees each mail, then lets it pass. */
    public static Flaky failing(int failures) {
        return new Flaky(failures);
    }

    /** Fails every time with the given message. */
    public static Processor alwaysFailing(String message) {
        return exchange -> {
            throw new IllegalStateException(message);
        };
    }

    /** Blocks every mail until {@link Holding#release()} (or until interrupted by the reservation timeout). */
    public static Holding holding() {
        return new Holding(Integer.MAX_VALUE);
    }

    /** Blocks the first {@code times} times it sees each mail, then lets it pass. */
    public static Holding holdingFirst(int times) {
        return new Holding(times);
    }

    /** See {@link Steps#failing(int)}. */
    public static final class Flaky implements Processor {
        private final int failures;
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

        private Flaky(int failures) {
            this.failures = failures;
        }

        @Override
        public void process(Exchange exchange) {
            String id = exchange.getMessage().getHeader(MailProperty.MAIL_ID, String.class);
            int call = seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (call <= failures) {
                throw new IllegalStateException("flaky step fails call " + call + " of mail " + id);
            }
        }

        /** How many times the step saw this mail. */
        public int calls(String mailId) {
            AtomicInteger count = seen.get(mailId);
            return count == null ? 0 : count.get();
        }
    }

    /** See {@link Steps#holding()}. */
    public static final class Holding implements Processor {
        private final int times;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger entered = new AtomicInteger();
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

        private Holding(int times) {
            this.times = times;
        }

        @Override
        public void process(Exchange exchange) throws InterruptedException {
            String id = exchange.getMessage().getHeader(MailProperty.MAIL_ID, String.class);
            if (seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() > times) {
                return;
            }
            entered.incrementAndGet();
            released.await(10, TimeUnit.MINUTES);
        }

        /** Lets every held and future mail pass. */
        public void release() {
            released.countDown();
        }

        /** How many times a mail entered the step and was held. */
        public int entered() {
            return entered.get();
        }
    }
}
