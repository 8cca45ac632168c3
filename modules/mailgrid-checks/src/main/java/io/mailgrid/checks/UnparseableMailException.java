package io.mailgrid.checks;

/** A mail's structure cannot be read within the limits: it gets the UNPARSEABLE verdict with this reason. */
public class UnparseableMailException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnparseableMailException(String reason) {
        super(reason);
    }

    public UnparseableMailException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
