package io.mailgrid.web;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The node's HTTP paths on Camel's platform-http (the server of camel-platform-http-main): GET
 * only, read-only answers. Mechanism, not policy, so Java rather than routes/ (docs/adr/0036).
 */
final class WebRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeHealth health;
    private final MailMetrics metrics;
    private final ClusterPage page;

    WebRoutes(NodeHealth health, MailMetrics metrics, ClusterPage page) {
        this.health = health;
        this.metrics = metrics;
        this.page = page;
    }

    @Override
    public void configure() {
        from("platform-http:/health/live?httpMethodRestrict=GET,HEAD").routeId("http-health-live")
                .process(exchange -> json(exchange, 200, Map.of("status", "UP", "node", health.node())));
        from("platform-http:/health/ready?httpMethodRestrict=GET,HEAD").routeId("http-health-ready")
                .process(exchange -> {
                    Readiness readiness = Readiness.of(health);
                    json(exchange, readiness.ready() ? 200 : 503, readiness.details());
                });
        from("platform-http:/?httpMethodRestrict=GET,HEAD").routeId("http-cluster-page")
                .process(exchange -> {
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
                    exchange.getMessage().setHeader("Cache-Control", "no-store");
                    exchange.getMessage().setBody(page.render(health.node()));
                });
        from("platform-http:/metrics?httpMethodRestrict=GET,HEAD").routeId("http-metrics")
                .process(exchange -> {
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    exchange.getMessage().setBody(metrics.scrape(page::states, page::queues));
                });
    }

    private static void json(Exchange exchange, int status, Map<String, ?> body) throws JsonProcessingException {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setBody(JSON.writeValueAsString(body) + "\n");
    }
}
