package io.mailgrid.core;

/**
 * Whose business a setting is: the cluster's policy, which every node must share (it counts in the
 * config hash that heartbeats carry, so drift is seen), or one node's own tuning and surroundings.
 */
public enum SettingScope {
    /** Decides how mail is judged (a check's parameters, the files they name): the same on every node. */
    POLICY,
    /** May differ between nodes without changing what happens to a mail (ports, paths, concurrency, memory). */
    NODE
}
