package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends a mail the way a mail client on another machine submits it: Python's smtplib in a separate
 * process ({@code /usr/bin/python3}) says EHLO, STARTTLS (trusting only the given certificate,
 * host name checked), EHLO again, AUTH with one mechanism, then the mail. The mail file is sent as
 * bytes, unchanged (CRLF line endings).
 */
public final class PythonSmtpAuthClient {

    /**
     * What the process reported.
     *
     * @param exitCode 0 when the mail was accepted; 3 for an SMTP error reply (the output has the code)
     * @param output   stdout and stderr
     */
    public record Result(int exitCode, String output) {
    }

    private static final String SCRIPT = String.join("\n",
            "import smtplib, ssl, sys",
            "port, cafile, mechanism, user, password, sender, rcpts, path = (int(sys.argv[1]), sys.argv[2], sys.argv[3],",
            "    sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7].split(','), sys.argv[8])",
            "data = open(path, 'rb').read()",
            "context = ssl.create_default_context(cafile=cafile)",
            "try:",
            "    with smtplib.SMTP('127.0.0.1', port, timeout=60) as s:",
            "        s.ehlo('client.example.net')",
            "        s.starttls(context=context)",
            "        s.ehlo('client.example.net')",
            "        s.user, s.password = user, password",
            "        code, reply = s.auth(mechanism, getattr(s, 'auth_' + mechanism.lower()))",
            "        print('AUTH', code)",
            "        refused = s.sendmail(sender, rcpts, data)",
            "        print('sent; refused:', refused)",
            "except smtplib.SMTPResponseException as e:",
            "    print('SMTP', e.smtp_code, e.smtp_error.decode('ascii', 'replace'))",
            "    sys.exit(3)",
            "");

    private PythonSmtpAuthClient() {
    }

    /**
     * Submits the file's bytes to 127.0.0.1:port.
     *
     * @param certificate the server's certificate (PEM), the only one trusted
     * @param mechanism   PLAIN or LOGIN
     */
    public static Result send(int port, Path certificate, String mechanism, String user, String password, String from,
            List<String> recipients, Path mail) {
        Path python = ExternalTool.require("/usr/bin/python3", "python3");
        try {
            Path script = Files.createTempFile("mailgrid-smtp-auth-", ".py");
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(python.toString(), script.toString(), String.valueOf(port),
                    certificate.toString(), mechanism, user, password, from, String.join(",", recipients), mail.toString())
                    .redirectErrorStream(true).start();
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
