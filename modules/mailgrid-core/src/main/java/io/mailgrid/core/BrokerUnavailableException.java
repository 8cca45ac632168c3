package io.mailgrid.core;

/** The broker could not be reached or did not answer in time. */
public class BrokerUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
