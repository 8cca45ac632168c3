package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.MemoryBudget;

class MailBufferTest {

    @Test
    void aMailShouldBeHeldOnceInChunksReservedFromTheBudgetAndReadBackByteForByte() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        byte[] mail = new byte[300_000];
        new Random(7).nextBytes(mail);

        try (MailBuffer buffer = new MailBuffer(budget)) {
            for (int i = 0; i < mail.length; i += 1000) {
                assertThat(buffer.write(mail, i, Math.min(1000, mail.length - i))).isTrue();
            }
            assertThat(buffer.length()).isEqualTo(mail.length);
            assertThat(buffer.reservedBytes()).as("5 chunks of 64 KiB, not a doubling array").isEqualTo(5 * MailBuffer.CHUNK);
            assertThat(budget.availableBytes()).isEqualTo((1 << 20) - 5 * MailBuffer.CHUNK);
            try (InputStream first = buffer.open(); InputStream second = buffer.open()) {
                assertThat(first.readAllBytes()).isEqualTo(mail);
                assertThat(second.readAllBytes()).as("again, for a retried publish").isEqualTo(mail);
            }
        }
        assertThat(budget.availableBytes()).as("closing gives the memory back").isEqualTo(1 << 20);
    }

    @Test
    void aMailThatOutgrowsTheFreeBudgetShouldBeDroppedAtOnceAndTheReaderShouldGoOnToTheEnd() throws Exception {
        MemoryBudget budget = new MemoryBudget(4 * MailBuffer.CHUNK);
        byte[] mail = ("y".repeat(98) + "\r\n").repeat(3000).getBytes(StandardCharsets.US_ASCII); // 300 000 bytes

        try (MailBuffer buffer = new MailBuffer(budget)) {
            BodyReader.Result result = BodyReader.read(new ByteArrayInputStream(mail), buffer, 10 << 20, 1000);

            assertThat(result.refusal()).contains(BodyReader.Refusal.NO_MEMORY);
            assertThat(result.size()).as("read to the end").isEqualTo(mail.length);
            assertThat(budget.availableBytes()).as("given back before the end of DATA").isEqualTo(4 * MailBuffer.CHUNK);
        }
    }

    @Test
    void aPermanentRefusalShouldWinOverAMissingBudget() throws Exception {
        MemoryBudget budget = new MemoryBudget(MailBuffer.CHUNK);
        byte[] mail = ("z".repeat(2000) + "\r\n").repeat(100).getBytes(StandardCharsets.US_ASCII);

        try (MailBuffer buffer = new MailBuffer(budget)) {
            assertThat(BodyReader.read(new ByteArrayInputStream(mail), buffer, 10 << 20, 1000).refusal())
                    .contains(BodyReader.Refusal.LINE_TOO_LONG);
        }
        try (MailBuffer buffer = new MailBuffer(budget)) {
            assertThat(BodyReader.read(new ByteArrayInputStream(mail), buffer, 100_000, 65536).refusal())
                    .contains(BodyReader.Refusal.TOO_LARGE);
        }
    }

    @Test
    void forgedStampFieldsShouldBeRemovedFromAHeaderBlockSpanningChunksWithoutCopyingTheBody() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        String filler = ("X-Filler: " + "f".repeat(88) + "\r\n").repeat(800); // 80 000 bytes: two chunks of header
        byte[] body = new byte[200_000];
        new Random(11).nextBytes(body);
        byte[] head = ("From: a@example.com\r\nX-Mailgrid-Verdict: CLEAN\r\n" + filler
                + "x-mailgrid-released: by nobody\r\n\tfolded on\r\nSubject: hi\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] mail = new byte[head.length + body.length];
        System.arraycopy(head, 0, mail, 0, head.length);
        System.arraycopy(body, 0, mail, head.length, body.length);
        byte[] expectedHead = ("From: a@example.com\r\n" + filler + "Subject: hi\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        try (MailBuffer buffer = new MailBuffer(budget)) {
            assertThat(buffer.write(mail, 0, mail.length)).isTrue();
            assertThat(buffer.headerBlockLength()).isEqualTo(head.length);

            Optional<MailBody> rewritten = IngressHeaders.rewrite(buffer, IngressHeaders.Recipients.GIVEN);

            assertThat(rewritten).isPresent();
            assertThat(rewritten.get().length()).isEqualTo(expectedHead.length + body.length);
            try (InputStream in = rewritten.get().open()) {
                byte[] out = in.readAllBytes();
                assertThat(java.util.Arrays.copyOf(out, expectedHead.length)).isEqualTo(expectedHead);
                assertThat(java.util.Arrays.copyOfRange(out, expectedHead.length, out.length)).isEqualTo(body);
            }
        }
    }

    @Test
    void aMailWithoutForgedFieldsShouldBePublishedFromTheBufferItself() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        byte[] mail = "Subject: plain\n\nbody\n".getBytes(StandardCharsets.US_ASCII);

        try (MailBuffer buffer = new MailBuffer(budget)) {
            buffer.write(mail, 0, mail.length);

            assertThat(IngressHeaders.rewrite(buffer, IngressHeaders.Recipients.GIVEN)).containsSame(buffer);
        }
    }
}
