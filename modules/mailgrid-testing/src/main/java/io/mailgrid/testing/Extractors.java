package io.mailgrid.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What other programs find in an archive, so a test can show that an attack sample really hides a
 * file from Mailgrid and not only from itself: Python's {@code zipfile} (reads the central directory,
 * as self-extracting archives and most desktop tools do), the JDK's {@code ZipInputStream} (streams
 * the local headers), Debian's {@code tnef} (lists winmail.dat), Python's {@code binascii} (uuencode).
 */
public final class Extractors {

    private Extractors() {
    }

    /** The names Python's zipfile lists, as {@code unzip -l} would. */
    public static List<String> pythonZipNames(byte[] zip) {
        return lines(python("import zipfile,sys,io\n"
                + "for n in zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())).namelist(): print(n)\n", zip));
    }

    /** The names a streaming reader (the JDK's ZipInputStream) finds from the first byte on. */
    public static List<String> streamingZipNames(byte[] zip) {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        } catch (IOException e) {
            names.add("(stopped: " + e.getMessage() + ")");
        }
        return names;
    }

    /** The attachment names Debian's {@code tnef --list} shows for a winmail.dat. */
    public static List<String> tnefNames(byte[] tnef) {
        Path program = ExternalTool.require("/usr/bin/tnef", "tnef");
        try {
            Path file = Files.createTempFile("winmail-", ".dat");
            try {
                Files.write(file, tnef);
                // each line is "name | path"
                return lines(run(List.of(program.toString(), "--list", "-f", file.toString()), new byte[0])).stream()
                        .map(line -> line.split("\t?\\|", 2)[0].strip()).toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code content} uuencoded by Python's binascii, as {@code uuencode} writes it: begin line, body, end. */
    public static String pythonUuencode(String name, byte[] content) {
        return python("import binascii,sys\n"
                + "data=sys.stdin.buffer.read()\n"
                + "out=['begin 644 " + name.replace("'", "") + "']\n"
                + "for i in range(0,len(data),45): out.append(binascii.b2a_uu(data[i:i+45]).decode('ascii').rstrip('\\n'))\n"
                + "out += ['`','end']\n"
                + "print('\\r\\n'.join(out))\n", content);
    }

    private static String python(String script, byte[] input) {
        Path python = ExternalTool.require("/usr/bin/python3", "python3");
        return run(List.of(python.toString(), "-c", script), input);
    }

    private static String run(List<String> command, byte[] input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input);
            }
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\r?\n")).filter(line -> !line.isBlank()).toList();
    }
}
