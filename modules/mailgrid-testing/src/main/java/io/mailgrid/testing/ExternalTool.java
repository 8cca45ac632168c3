package io.mailgrid.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * A program a test runs as a separate process (python3, swaks). On CI (environment CI=true, set by
 * .ci/run, which installs it) a missing program fails the test; elsewhere the test is skipped with
 * a message saying what to install.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /**
     * The path of the program, or a skipped (locally) / failed (CI) test if it is not installed.
     *
     * @param path          absolute path of the program, e.g. /usr/bin/python3
     * @param debianPackage the package that installs it
     */
    public static Path require(String path, String debianPackage) {
        Path program = Path.of(path);
        if (Files.isExecutable(program)) {
            return program;
        }
        String message = path + " is missing: apt-get install " + debianPackage;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (.ci/run installs it)");
        }
        Assumptions.abort(message + "; test skipped");
        return program;
    }
}
