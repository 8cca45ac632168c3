package io.mailgrid.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a node is ready to take mail: broker connected, policy chain available, not in
 * maintenance (nor starting or leaving). Pure: {@link #of(NodeHealth)} reads the node once.
 *
 * @param ready   all three hold
 * @param details each part with its status and why, for the JSON answer
 */
public record Readiness(boolean ready, Map<String, Object> details) {

    /** Judges the node as it is now. */
    public static Readiness of(NodeHealth node) {
        boolean broker = node.brokerConnected();
        Map<String, String> unavailable = Map.copyOf(node.unavailableChecks());
        String state = node.state();
        boolean taking = "UP".equals(state);

        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("broker", part(broker, broker ? "connected" : "not connected"));
        checks.put("chain", part(unavailable.isEmpty(), unavailable.isEmpty() ? "every check available"
                : "unavailable: " + String.join("; ", new java.util.TreeMap<>(unavailable).entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").toList())));
        checks.put("state", part(taking, state));

        boolean ready = broker && unavailable.isEmpty() && taking;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", ready ? "UP" : "DOWN");
        details.put("node", node.node());
        details.put("checks", checks);
        return new Readiness(ready, details);
    }

    private static Map<String, Object> part(boolean up, String detail) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("status", up ? "UP" : "DOWN");
        part.put("detail", detail);
        return part;
    }
}
