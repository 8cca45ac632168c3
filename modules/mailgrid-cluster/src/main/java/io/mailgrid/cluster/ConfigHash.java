package io.mailgrid.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A short hash of what decides how mail is judged: every route file, every setting that is not
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

    /** The hash of the route files in {@code routesDir} and the policy settings among {@code settings}. */
    public static String of(Path routesDir, Map<String, String> settings) {
        MessageDigest digest = sha256();
        try (Stream<Path> files = Files.list(routesDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList()) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read routes in " + routesDir, e);
        }
        new TreeMap<>(settings).forEach((key, value) -> {
            if (key.startsWith("mailgrid.") && NODE_LOCAL_PREFIXES.stream().noneMatch(key::startsWith)) {
                digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
                digestFileNamedBy(value, digest);
            }
        });
        return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
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
