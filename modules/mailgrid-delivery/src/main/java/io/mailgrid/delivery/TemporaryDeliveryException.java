package io.mailgrid.delivery;

/**
 * The next hop could not take the mail now (connection failed, 4xx reply): the delivery rolls
 * back and the broker redelivers the mail after its back-off.
 */
public class TemporaryDeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    public TemporaryDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
