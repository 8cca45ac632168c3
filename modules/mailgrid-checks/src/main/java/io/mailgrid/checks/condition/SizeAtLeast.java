package io.mailgrid.checks.condition;

import java.util.Map;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;

/** The mail as received is at least {@code size} bytes (required; e.g. {@code 10MB}, binary units as in the properties). */
public final class SizeAtLeast extends MailCondition {

    private Long size;

    /** Required: a size such as 64KB, 10MB, 1GB; a bare number is bytes. */
    public void setSize(String size) {
        try {
            this.size = MailgridConfig.of(Map.of("size", size)).bytes("size");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("SizeAtLeast." + e.getMessage(), e);
        }
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(size, "SizeAtLeast", "size");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        Conditions.required(size, "SizeAtLeast", "size");
        byte[] body = exchange.getMessage().getBody(byte[].class);
        long received = envelope.size() > 0 ? envelope.size() : body == null ? 0 : body.length;
        return received >= size;
    }
}
