package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MailMessageTest {

    private static Map<String, Object> taken(String messageId) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(MailProperty.MAIL_ID, "m1");
        headers.put(MailProperty.GENERATION, 2);
        headers.put(MailProperty.JMS_MESSAGE_ID, messageId);
        return headers;
    }

    @Test
    void stagesThatFollowFromTakingAMessageShouldNameItAndTheOthersOnlyTheMail() {
        Map<String, Object> headers = taken("ID:1");

        assertThat(Stage.OUTBOUND.duplicateIdOf(headers)).isEqualTo("m1:outbound:2");
        assertThat(Stage.QUARANTINE.duplicateIdOf(headers)).isEqualTo("m1:quarantine:2");
        assertThat(Stage.DLQ.duplicateIdOf(headers)).isEqualTo("m1:dlq:2:ID:1");
        assertThat(Stage.RELAY_RETRY.duplicateIdOf(headers)).isEqualTo("m1:relay_retry:2:ID:1");
        assertThat(Stage.RELAY_REFUSED.duplicateIdOf(headers)).isEqualTo("m1:relay_refused:2:ID:1");
    }

    @Test
    void aStampShouldSetArtemisDuplicateIdFromTheHeaders() {
        Map<String, Object> headers = taken("ID:1");

        MailMessage.stamp(Stage.DLQ, headers);

        assertThat(headers).containsEntry(MailProperty.DUPLICATE_ID, "m1:dlq:2:ID:1");
    }

    @Test
    void onlyMailPropertiesShouldTravelFromQueueToQueue() {
        assertThat(MailMessage.isMailProperty(MailProperty.VERDICT)).isTrue();
        assertThat(MailMessage.isMailProperty(MailProperty.DUPLICATE_ID)).isTrue();
        assertThat(MailMessage.isMailProperty(MailProperty.ARTEMIS_SCHEDULED_DELIVERY)).isTrue();
        assertThat(MailMessage.isMailProperty(MailProperty.DELIVERY_COUNT)).isFalse();
        assertThat(MailMessage.isMailProperty(MailProperty.ARTEMIS_ORIGINAL_QUEUE)).isFalse();
        assertThat(MailMessage.isMailProperty("CamelJmsDestinationName")).isFalse();
    }
}
