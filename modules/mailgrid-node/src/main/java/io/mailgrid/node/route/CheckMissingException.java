package io.mailgrid.node.route;

import java.util.Collection;

/** A mail reached a grabber whose policy chain lacks a check the mail requires; the mail is not processed. */
public final class CheckMissingException extends Exception {

    private static final long serialVersionUID = 1L;

    CheckMissingException(String mailId, String node, Collection<String> missing) {
        super("mail " + mailId + " requires " + String.join(", ", missing) + ", which the policy chain of node " + node
                + " lacks; not checked here (does routes/grabber.xml still pass the selector?)");
    }
}
