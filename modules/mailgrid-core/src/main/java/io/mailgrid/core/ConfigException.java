package io.mailgrid.core;

/** A setting is missing or has a value Mailgrid cannot use; the message names the key. */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
