package io.mailgrid.node.route;

import java.time.Duration;

/** A mail's processing ran past the reservation deadline; its transaction is rolled back. */
public class ReservationExpiredException extends Exception {

    private static final long serialVersionUID = 1L;

    public ReservationExpiredException(String mailId, Duration timeout, String step) {
        super("reservation timeout of " + timeout.toMillis() + " ms exceeded for mail " + mailId
                + (step == null ? "" : " in step " + step));
    }
}
