package io.mailgrid.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How many mails (waiting and in flight) some queues hold, by management call; a queue that does not exist holds none. */
public final class QueueDepths {

    private QueueDepths() {
    }

    /** Each queue's message count, in the order given. */
    public static Map<String, Long> of(BrokerManagement management, List<String> queues) throws Exception {
        List<String> existing = List.of((Object[]) management.attribute("broker", "queueNames")).stream()
                .map(Object::toString).toList();
        Map<String, Long> depths = new LinkedHashMap<>();
        for (String queue : queues) {
            long count = 0;
            if (existing.contains(queue)) {
                Object value = management.attribute("queue." + queue, "messageCount");
                count = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
            }
            depths.put(queue, count);
        }
        return depths;
    }
}
