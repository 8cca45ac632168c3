package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends a mail with Python's smtplib in a separate process ({@code /usr/bin/python3}, Debian's):
 * an SMTP client that shares no code with Mailgrid. The mail file is sent as bytes, unchanged
 * (it must use CRLF line endings, which smtplib would otherwise add).
 */
public final class PythonSmtpClient {

    /**
     * What the process reported.
     *
     * @param exitCode 0 when the server accepted the mail
     * @param output   stdout and stderr: the refused recipients or the server's error reply
     */
    public record Result(int exitCode, String output) {
    }

    private static final String SCRIPT = String.join("\n",
            "import smtplib, sys",
            "host, port, sender, rcpts, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(','), sys.argv[5]",
            "data = open(path, 'rb').read()",
            "try:",
            "    with smtplib.SMTP(host, port, timeout=60) as s:",
            "        refused = s.sendmail(sender, rcpts, data)",
            "        print('sent; refused:', refused)",
            "except smtplib.SMTPResponseException as e:",
            "    print('SMTP', e.smtp_code, e.smtp_error.decode('ascii', 'replace'))",
            "    sys.exit(3)",
            "except smtplib.SMTPRecipientsRefused as e:",
            "    print('RCPT', {r: (c, m.decode('ascii', 'replace')) for r, (c, m) in e.recipients.items()})",
            "    sys.exit(4)",
            "");

    /** As SCRIPT, after XFORWARD commands as Postfix sends them (smtp_send_xforward_command=yes), each in argv[6:]. */
    private static final String XFORWARD_SCRIPT = String.join("\n",
            "import smtplib, sys",
            "host, port, sender, rcpts, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(','), sys.argv[5]",
            "data = open(path, 'rb').read()",
            "with smtplib.SMTP(host, port, timeout=60) as s:",
            "    s.ehlo('relay.example.org')",
            "    print('EHLO XFORWARD:', s.esmtp_features.get('xforward'))",
            "    for args in sys.argv[6:]:",
            "        code, msg = s.docmd('XFORWARD', args)",
            "        print('XFORWARD', code, msg.decode('ascii', 'replace'))",
            "        if code != 250:",
            "            sys.exit(5)",
            "    try:",
            "        s.sendmail(sender, rcpts, data)",
            "        print('sent')",
            "    except smtplib.SMTPResponseException as e:",
            "        print('SMTP', e.smtp_code, e.smtp_error.decode('ascii', 'replace'))",
            "        sys.exit(3)",
            "");

    private PythonSmtpClient() {
    }

    /**
     * Sends the file after EHLO and one XFORWARD command per element of {@code xforward} (its
     * arguments, e.g. "NAME=mx.example.net ADDR=192.0.2.7"); exit code 5 when an XFORWARD was not
     * answered 250. The output says what EHLO offered ({@code EHLO XFORWARD: ...}) and each reply.
     */
    public static Result sendWithXforward(int port, List<String> xforward, String from, List<String> recipients, Path mail) {
        List<String> args = new ArrayList<>(List.of(from, String.join(",", recipients), mail.toString()));
        args.addAll(xforward);
        return run(XFORWARD_SCRIPT, port, args);
    }

    /** Sends the file's bytes to 127.0.0.1:port with this envelope and waits for the result. */
    public static Result send(int port, String from, List<String> recipients, Path mail) {
        return run(SCRIPT, port, List.of(from, String.join(",", recipients), mail.toString()));
    }

    private static Result run(String source, int port, List<String> args) {
        Path python = ExternalTool.require("/usr/bin/python3", "python3");
        try {
            Path script = Files.createTempFile("mailgrid-smtp-", ".py");
            Files.writeString(script, source, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), "127.0.0.1",
                    String.valueOf(port)));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("python3 smtplib did not finish within 120 s");
                }
                return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
