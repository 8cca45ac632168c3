package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;

/**
 * The checkout under test and settings for test nodes: the real config/mailgrid.properties,
 * routes/ and broker-config/broker.xml, with a free port, a temporary data directory and short
 * redelivery delays so that tests run in seconds. The virus scanners are stand-ins that say clean
 * ({@link FakeClamd} for the shipped check:clamd, {@link FakeScanner} for check:virus-scan).
 */
public final class TestHome {

    private static Path execScannerRoutes;

    private TestHome() {
    }

    /** The checkout: -Dmailgrid.home (set by the build), else the nearest parent holding broker-config/. */
    public static Path path() {
        String configured = System.getProperty("mailgrid.home");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("broker-config/broker.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the Mailgrid checkout; set -Dmailgrid.home");
        }
        return dir;
    }

    /**
     * The directory of Artemis's native library (the AIO journal) as the build unpacks it in the checkout:
     * what {@code ./mailgrid} passes as {@code java.library.path} (docs/adr/0040).
     */
    public static Path nativeLibraryDir() {
        return path().resolve("modules/mailgrid-broker/target/native/lib/linux-x86_64");
    }

    /** The shipped routes directory. */
    public static Path routes() {
        return path().resolve("routes");
    }

    /**
     * Test settings: the shipped properties file (ignoring this machine's environment), then
     * fast-test values, then the given overrides.
     *
     * @param node    node name
     * @param dataDir the node's data directory
     * @param port    the broker port (embedded broker's acceptor, or where the external one listens)
     */
    public static MailgridConfig config(String node, Path dataDir, int port, Map<String, String> overrides) {
        Path home = path();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(CoreSettingsCatalog.NODE_NAME, node);
        values.put(CoreSettingsCatalog.DATA_DIR, dataDir.toString());
        values.put(CoreSettingsCatalog.ROUTES_DIR, home.resolve("routes").toString());
        values.put("mailgrid.broker.config", home.resolve("broker-config/broker.xml").toString());
        values.put(CoreSettingsCatalog.BROKER_PORT, String.valueOf(port));
        values.put("mailgrid.redelivery.delay", "100ms");
        values.put("mailgrid.redelivery.max-attempts", "3");
        values.put("mailgrid.shutdown.grace-period", "5s");
        values.put("mailgrid.pickup.interval", "100");
        values.put("mailgrid.smtp.port", "0"); // a test that wants SMTP picks a free port
        values.put("mailgrid.http.port", "0"); // likewise HTTP (the key is mailgrid-web's HttpSettings.PORT)
        // tests scan with a stand-in that says clean; tests of the scan itself set their own (the keys
        // here and above that are not core's belong to modules that depend on this one in their tests:
        // checks, broker, ingress, node)
        values.put("mailgrid.virus-scan.command", FakeScanner.clean());
        values.put("mailgrid.clamd.address", FakeClamd.address());
        values.put("mailgrid.content-rules.file", home.resolve("config/content-rules.txt").toString());
        values.putAll(overrides);
        return MailgridConfig.load(home.resolve("config/mailgrid.properties"), Map.of(), new Properties(), values);
    }

    /**
     * A copy of the shipped routes (made once per JVM) whose virus scan is the command-line
     * scanner, {@code check:virus-scan}, instead of the shipped {@code check:clamd}: for tests of
     * that scanner, which set {@code mailgrid.virus-scan.command} (a {@link FakeScanner}, clamscan).
     */
    public static synchronized Path execScannerRoutes() {
        if (execScannerRoutes == null) {
            try {
                Path copy = Files.createTempDirectory("mailgrid-exec-scanner-routes-");
                try (var files = Files.list(routes())) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String xml = Files.readString(file);
                        if (file.getFileName().toString().equals("policy.xml")) {
                            String replaced = xml.replace("<to uri=\"check:clamd\"/>", "<to uri=\"check:virus-scan\"/>");
                            if (replaced.equals(xml)) {
                                throw new IllegalStateException("routes/policy.xml has no <to uri=\"check:clamd\"/> to replace");
                            }
                            xml = replaced;
                        }
                        Files.writeString(copy.resolve(file.getFileName()), xml);
                    }
                }
                execScannerRoutes = copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return execScannerRoutes;
    }

    /**
     * A TCP port nobody listens on right now, and that no other caller in this JVM was given.
     *
     * <p>Ports come from below Linux's ephemeral range (32768-60999): a port the kernel picks for
     * {@code new ServerSocket(0)} can be taken a moment later as the local end of an outgoing
     * connection (a JMS client, an SMTP client), and the node that wanted to listen on it then fails
     * with "Address already in use". Test JVMs forked side by side by
     * surefire or failsafe (property {@code mailgrid.test.fork}, set from {@code surefire.forkNumber})
     * each draw from their own slice of the range, so two of them never pick the same port in the
     * moment between the check here and the node listening on it.
     */
    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 2_000; attempt++) {
            int port = SLICE_LOW + RANDOM.nextInt(SLICE_SIZE);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                GIVEN.add(port);
                return port;
            } catch (IOException taken) {
                // someone listens there; try another
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port between " + SLICE_LOW + " and "
                + (SLICE_LOW + SLICE_SIZE)));
    }

    /** This JVM's slice: its fork number (1, 2, ...) modulo the slices; 0 outside a forked test run. */
    private static int forkSlice() {
        String fork = System.getProperty("mailgrid.test.fork", "");
        try {
            return fork.isBlank() ? 0 : Math.floorMod(Integer.parseInt(fork.trim()), SLICES);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    private static final int LOW_PORT = 20_000;
    private static final int HIGH_PORT = 32_000;
    private static final int SLICES = 4;
    private static final int SLICE_SIZE = (HIGH_PORT - LOW_PORT) / SLICES;
    private static final int SLICE_LOW = LOW_PORT + SLICE_SIZE * forkSlice();
    private static final Random RANDOM = new Random();
    private static final Set<Integer> GIVEN = new HashSet<>();
}
