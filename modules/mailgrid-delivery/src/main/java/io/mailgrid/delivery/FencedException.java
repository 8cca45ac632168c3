package io.mailgrid.delivery;

/**
 * A delivery stopped before an irreversible step because this node may no longer hold the mail
 * (it did not run for a while, or its broker connection failed). The transaction rolls back; if a
 * peer took the mail meanwhile, that peer delivers it, else it is retried like any temporary failure.
 */
public class FencedException extends TemporaryDeliveryException {

    private static final long serialVersionUID = 1L;

    public FencedException(String message) {
        super(message, null);
    }
}
