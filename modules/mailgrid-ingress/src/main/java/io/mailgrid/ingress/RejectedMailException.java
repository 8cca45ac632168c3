package io.mailgrid.ingress;

/** A mail that ingress refuses to accept, with the reason to give the sender or the operator. */
public class RejectedMailException extends Exception {

    private static final long serialVersionUID = 1L;

    public RejectedMailException(String message) {
        super(message);
    }
}
