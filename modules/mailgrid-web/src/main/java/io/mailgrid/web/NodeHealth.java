package io.mailgrid.web;

import java.util.Map;

/** What the node tells its health endpoints; read on every request. */
public interface NodeHealth {

    /** The node's name, shown in every answer. */
    String node();

    /** Whether the node's connection to its broker is up (false from a failure until it is back). */
    boolean brokerConnected();

    /** The checks of the policy chain that cannot run on this node now, with why. */
    Map<String, String> unavailableChecks();

    /** The state the node announces to its cluster: STARTING, UP, MAINTENANCE or LEAVING. */
    String state();
}
