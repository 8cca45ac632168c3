package io.mailgrid.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingScope;
import io.mailgrid.core.SettingsCatalog;

/**
 * A short hash of what decides how mail is judged: the routes as loaded, every setting the owning
 * module declares {@link SettingScope#POLICY} (or that no module declares: unknown keys count, so
 * drift is never hidden), and the content of files such settings or check steps name (content
 * rules). Per-node settings ({@link SettingScope#NODE}: ports, paths, concurrency, memory) do not
 * count. Two nodes with equal hashes apply the same policy; heartbeats carry it so drift is seen.
 */
public final class ConfigHash {

    /** Each declared key's scope, from every {@link SettingsCatalog} on the class path. */
    private static final Map<String, SettingScope> SCOPES = scopes();

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
            if (isPolicy(key)) {
                digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
                digestFileNamedBy(value, digest);
            }
        });
    }

    /** Whether a setting counts in the hash: one of ours that no module declares per-node. */
    static boolean isPolicy(String key) {
        return key.startsWith("mailgrid.") && SCOPES.getOrDefault(key, SettingScope.POLICY) == SettingScope.POLICY;
    }

    private static Map<String, SettingScope> scopes() {
        Map<String, SettingScope> scopes = new HashMap<>();
        for (Setting setting : SettingsCatalog.all()) {
            scopes.put(setting.key(), setting.scope());
        }
        return Map.copyOf(scopes);
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
