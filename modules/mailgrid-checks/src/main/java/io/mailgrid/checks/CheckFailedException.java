package io.mailgrid.checks;

/** A check could not reach a verdict (scanner error, timeout); the mail must be tried again. */
public class CheckFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    public CheckFailedException(String message) {
        super(message);
    }

    public CheckFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
