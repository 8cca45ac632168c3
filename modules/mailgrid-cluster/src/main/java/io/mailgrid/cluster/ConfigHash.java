package io.mailgrid.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A short hash of what decides how mail is judged: the routes as loaded, every setting that is not
 * local to a node, and the content of files such settings name (content rules). Two nodes with equal hashes apply the same policy; heartbeats carry it so
 * drift is seen.
 */
public final class ConfigHash {

    /** Settings that may differ between nodes without changing the policy. */
    private static final List<String> NODE_LOCAL_PREFIXES = List.of("mailgrid.node.", "mailgrid.data.",
            "mailgrid.routes.", "mailgrid.broker.", "mailgrid.smtp.", "mailgrid.delivery.", "mailgrid.pickup.",
            "mailgrid.heartbeat.", "mailgrid.cluster.", "mailgrid.shutdown.", "mailgrid.grabber.",
            "mailgrid.redelivery.", "mailgrid.reservation.", "mailgrid.metrics.", "mailgrid.http.");

    private ConfigHash() {
    }

    /**
     * The hash of the routes as Camel loaded them ({@code routesAsLoaded}: its model dumped as XML),
     * the content of the files the routes' check steps name, and the policy settings among
     * {@code settings}.
     */
    public static String of(String routesAsLoaded, Collection<Path> stepFiles, Map<String, String> settings) {
        MessageDigest digest = sha256();
        digestRoutes(routesAsLoaded, stepFiles, digest);
        digestSettings(settings, digest);
        return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    }

    /** The routes as loaded and the files their steps name, each file by name and content. */
    private static void digestRoutes(String routesAsLoaded, Collection<Path> stepFiles, MessageDigest digest) {
        digest.update(routesAsLoaded.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        for (Path file : new TreeSet<>(stepFiles)) {
            digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try {
                digest.update(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ", named by a check step of the routes", e);
            }
            digest.update((byte) 0);
        }
    }

    /** The policy settings, and the content of files they name. */
    private static void digestSettings(Map<String, String> settings, MessageDigest digest) {
        new TreeMap<>(settings).forEach((key, value) -> {
            if (key.startsWith("mailgrid.") && NODE_LOCAL_PREFIXES.stream().noneMatch(key::startsWith)) {
                digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
                digestFileNamedBy(value, digest);
            }
        });
    }

    /** A policy setting naming a file (content rules) makes the file's content part of the policy. */
    private static void digestFileNamedBy(String value, MessageDigest digest) {
        try {
            Path file = Path.of(value.trim());
            if (!value.isBlank() && Files.isRegularFile(file)) {
                digest.update(Files.readAllBytes(file));
            }
        } catch (IOException | RuntimeException e) {
            // not a path, or unreadable: the setting's text alone counts
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
