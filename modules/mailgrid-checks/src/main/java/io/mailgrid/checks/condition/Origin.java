package io.mailgrid.checks.condition;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/** The mail was received by one of {@code nodes} (required; comma-separated node names): e.g. a host-only node at a branch. */
public final class Origin extends MailCondition {

    private Set<String> nodes;

    /** Required: comma-separated node names. */
    public void setNodes(String nodes) {
        this.nodes = Arrays.stream(nodes.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (this.nodes.isEmpty()) {
            throw new IllegalArgumentException("Origin.nodes: at least one node name needed");
        }
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(nodes, "Origin", "nodes");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        Conditions.required(nodes, "Origin", "nodes");
        return nodes.contains(envelope.origin());
    }
}
