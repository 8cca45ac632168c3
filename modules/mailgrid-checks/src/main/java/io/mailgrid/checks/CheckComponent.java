package io.mailgrid.checks;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * The {@code check:} component: each endpoint is one check instance of the policy, declared where
 * it is used ({@code <to uri="check:attachment-policy?blockedExtensions=exe,js"/>}); see
 * {@link CheckDeclaration} for the parameters. An unknown check or parameter, or a bad value, fails
 * start-up naming it.
 */
public final class CheckComponent extends DefaultComponent {

    private final Checks checks;

    /** @param checks the node's check instances, read from the routes' model before they start */
    public CheckComponent(Checks checks) {
        this.checks = checks;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        CheckDeclaration declaration = CheckDeclaration.of(remaining, parameters);
        return new CheckEndpoint(uri, this, checks.stepFor(declaration));
    }

    /** One check instance; a producer only (a step of a route). */
    private static final class CheckEndpoint extends DefaultEndpoint {

        private final CheckStep step;

        CheckEndpoint(String uri, CheckComponent component, CheckStep step) {
            super(uri, component);
            this.step = step;
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    step.process(exchange);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("check: is a step (<to uri=\"check:...\"/>), not a source of mail");
        }
    }
}
