package io.mailgrid.core;

/**
 * JMS client ids of a node's connections, {@code <node>/<role>/<target>}, e.g. {@code b/grabber/a}
 * for node b grabbing node a's mailbox. The Artemis console shows them per connection and
 * consumer; {@code mailgrid status} reads the node back from them. Node names cannot contain '/'.
 */
public final class ClientIds {

    private ClientIds() {
    }

    /** Client id of a node's grabber for a mailbox. */
    public static String grabber(String node, String mailboxNode) {
        return node + "/grabber/" + mailboxNode;
    }

    /** Client id of a node's delivery of an outbound queue. */
    public static String delivery(String node, String outboundNode) {
        return node + "/delivery/" + outboundNode;
    }

    /** Client id of the large-mail lane of a route ({@code b/grabber-large/a}): each lane has its own connection. */
    public static String largeLane(String clientId) {
        int first = clientId.indexOf('/');
        int second = clientId.indexOf('/', first + 1);
        return clientId.substring(0, second) + "-large" + clientId.substring(second);
    }

    /** The node a client id belongs to, or null if it is not a Mailgrid client id. */
    public static String nodeOf(String clientId) {
        if (clientId == null) {
            return null;
        }
        int slash = clientId.indexOf('/');
        return slash > 0 ? clientId.substring(0, slash) : null;
    }
}
