package io.mailgrid.delivery;

/**
 * The next hop refused the mail for good (5xx reply, or still deferring at the last attempt):
 * routes/errors.xml moves it to mailgrid.dlq at once, with this message, which quotes the
 * relay's reply, as the reason. Retrying would not help.
 */
public class PermanentDeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    public PermanentDeliveryException(String message) {
        super(message);
    }
}
