package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scanner programs that keep ClamAV's exit-code contract (0 clean, 1 infected, other = error) and
 * misbehave on purpose: small shell scripts written once per JVM to a temporary directory. Each
 * method returns a command line for {@code mailgrid.virus-scan.command}.
 */
public final class FakeScanner {

    private static final Map<String, String> WRITTEN = new ConcurrentHashMap<>();
    private static volatile Path dir;

    private FakeScanner() {
    }

    /** Reads the mail and says it is clean: the stand-in scanner of every test node. */
    public static String clean() {
        return script("clean", "cat >/dev/null\nexit 0\n");
    }

    /** Reads the mail and reports it infected, ClamAV style: {@code stdin: NAME FOUND}, exit 1. */
    public static String infected(String malwareName) {
        return script("infected", "cat >/dev/null\necho 'stdin: " + malwareName.replace("'", "") + " FOUND'\nexit 1\n");
    }

    /** Reports every mail infected while the file {@code flag} exists, clean once it is gone. */
    public static String infectedWhileExists(Path flag, String malwareName) {
        return script("infected-while", "cat >/dev/null\nif [ -e '" + flag.toAbsolutePath() + "' ]; then\n"
                + "  echo 'stdin: " + malwareName.replace("'", "") + " FOUND'\n  exit 1\nfi\nexit 0\n");
    }

    /** Reads the mail, then hangs in a child process that holds the output pipe open. */
    public static String hanging() {
        return script("hanging", "cat >/dev/null\nsleep 600\nexit 0\n");
    }

    /** Hangs without reading the mail at all. */
    public static String hangingWithoutReading() {
        return script("hanging-unread", "sleep 600\nexit 0\n");
    }

    /** Dies of a segmentation fault (exit 139) after reading part of the mail. */
    public static String crashing() {
        return script("crashing", "head -c 100 >/dev/null\nkill -SEGV $$\n");
    }

    /** Exits with this code and message on stderr without reading the mail. */
    public static String failing(int exitCode, String message) {
        return script("failing", "echo '" + message.replace("'", "") + "' >&2\nexit " + exitCode + "\n");
    }

    /** Reads the mail, prints binary garbage (control characters, invalid UTF-8), exits with the code. */
    public static String printingGarbage(int exitCode) {
        return script("garbage", "cat >/dev/null\nprintf '\\000\\001\\377\\376\\033[31m garbage \\r\\n\\200\\201 FOUND FOUND: : \\n'\n"
                + "head -c 3000 /dev/urandom\nexit " + exitCode + "\n");
    }

    /** Reads the mail, then prints without end (until killed). */
    public static String printingForever() {
        return script("endless", "cat >/dev/null\nexec yes 'garbage garbage garbage garbage garbage garbage garbage'\n");
    }

    /** Copies the mail it is given to a file, then says clean: shows what the scanner saw. */
    public static String recordingTo(Path file) {
        return script("recording", "cat >'" + file.toAbsolutePath() + "'\nexit 0\n");
    }

    private static String script(String name, String body) {
        return WRITTEN.computeIfAbsent(name + "\n" + body, key -> {
            try {
                String id = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(StandardCharsets.UTF_8)), 0, 6);
                Path file = directory().resolve(name + "-" + id + ".sh");
                Path temporary = Files.writeString(directory().resolve(file.getFileName() + ".tmp"),
                        "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(temporary, file);
                return file.toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Path directory() throws IOException {
        Path current = dir;
        if (current == null) {
            synchronized (FakeScanner.class) {
                if (dir == null) {
                    dir = Files.createTempDirectory("mailgrid-fake-scanner-");
                    dir.toFile().deleteOnExit();
                }
                current = dir;
            }
        }
        return current;
    }
}
