package io.mailgrid.ingress;

/** The broker did not confirm that it stored a mail; the sender must try again later. */
public class PublishException extends Exception {

    private static final long serialVersionUID = 1L;

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
