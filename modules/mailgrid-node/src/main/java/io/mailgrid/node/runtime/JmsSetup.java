package io.mailgrid.node.runtime;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsMessageType;

/**
 * The Camel {@code jms} component as Mailgrid's routes need it. These are correctness settings,
 * not tunables, so they live here rather than in the properties file (docs/adr/0002).
 */
final class JmsSetup {

    private JmsSetup() {
    }

    static JmsComponent component(ConnectionFactory factory) {
        JmsComponent jms = new JmsComponent();
        // one factory for consumers and producers: a producer in a transacted route then uses the
        // consumer's session, so receive and publish commit together
        jms.setConnectionFactory(factory);
        // local session transactions, no Spring transaction manager: with one, Spring's listener
        // container would default to caching nothing and open a connection per receive
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        // Spring's default (1) lets idle consumers be closed and recreated; closing a consumer that
        // holds a mail costs that mail a delivery attempt. Keep consumers for the route's lifetime.
        // (The larger cause of lost attempts on a crash is on the broker side: FailedConnectionGuard.)
        jms.setIdleTaskExecutionLimit(1_000_000);
        jms.setIdleConsumerLimit(1_000_000);
        // the route logs failures itself (routes/errors.xml); Spring would log every rollback again,
        // so only what escaped the route's error policy (JVM errors such as OutOfMemoryError) is logged
        jms.setErrorHandler(new ListenerErrors());
        // a mail is always a BytesMessage holding the exact bytes received
        jms.setJmsMessageType(JmsMessageType.Bytes);
        jms.setDeliveryPersistent(true);
        // never answer a JMSReplyTo a sender might have set
        jms.setDisableReplyTo(true);
        jms.setIncludeSentJMSMessageID(false);
        return jms;
    }
}
