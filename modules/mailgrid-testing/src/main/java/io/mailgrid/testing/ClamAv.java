package io.mailgrid.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real ClamAV scanner for tests, with a tiny signature database that detects the EICAR test
 * file (official signatures need a download): an MD5 signature ({@code .hdb}) that matches the
 * file when ClamAV unpacks it from a MIME part or an archive, and a body signature
 * ({@code .ndb}) that matches the string anywhere.
 *
 * <p>A test that needs {@code clamscan} calls {@link #requireClamscan()}, one that needs the
 * daemon {@link #requireClamd()} (and runs it with {@link ClamdProcess}): without it the test is
 * skipped with a clear message on a developer machine, and fails when {@code CI=true}.
 */
public final class ClamAv {

    /** Signature name of the MD5 signature; ClamAV reports it with ".UNOFFICIAL" appended. */
    public static final String HASH_SIGNATURE = "Mailgrid.Test.EICAR-HDB";
    /** Signature name of the body signature. */
    public static final String BODY_SIGNATURE = "Mailgrid.Test.EICAR-NDB";

    private ClamAv() {
    }

    /**
     * The 68-byte EICAR anti-virus test file. Kept reversed in this source, so that a scanner on
     * a developer's machine does not flag the source file.
     */
    public static byte[] eicar() {
        String reversed = "*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X";
        return new StringBuilder(reversed).reverse().toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Skips the test without clamscan on PATH, or fails it when the environment says CI=true. */
    public static void requireClamscan() {
        if (onPath("clamscan")) {
            return;
        }
        missing("clamscan is not installed (Debian: apt-get install clamav)");
    }

    /**
     * The ClamAV daemon program, or a skipped test (a failed one when CI=true) where it is not
     * installed. Debian installs it as /usr/sbin/clamd, which is not on every user's PATH.
     */
    public static Path requireClamd() {
        return clamd().orElseGet(() -> {
            missing("clamd is not installed (Debian: apt-get install clamav-daemon)");
            return null;
        });
    }

    /** The clamd program, where it is installed: on PATH, or in /usr/sbin or /usr/local/sbin. */
    public static Optional<Path> clamd() {
        for (Path candidate : new Path[] {Path.of("/usr/sbin/clamd"), Path.of("/usr/local/sbin/clamd")}) {
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return onPathAt("clamd");
    }

    private static void missing(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; CI=true, so this test must not be skipped (.ci/run installs it)");
        }
        Assumptions.abort(message + ": skipping a test that needs the real scanner");
    }

    /**
     * Writes the EICAR database to {@code dir} and returns the command line that scans standard
     * input with it: {@code clamscan --no-summary -d DIR -}.
     */
    public static String clamscanWithTestDatabase(Path dir) {
        return "clamscan --no-summary -d " + writeTestDatabase(dir).toAbsolutePath() + " -";
    }

    /** Writes the two EICAR signature files into {@code dir} (created if needed) and returns it. */
    public static Path writeTestDatabase(Path dir) {
        try {
            Files.createDirectories(dir);
            byte[] eicar = eicar();
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(eicar));
            Files.writeString(dir.resolve("mailgrid-test.hdb"), md5 + ":" + eicar.length + ":" + HASH_SIGNATURE + "\n");
            Files.writeString(dir.resolve("mailgrid-test.ndb"),
                    BODY_SIGNATURE + ":0:*:" + HexFormat.of().formatHex(eicar) + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String program) {
        return onPathAt(program).isPresent();
    }

    private static Optional<Path> onPathAt(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, program);
            if (!entry.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
