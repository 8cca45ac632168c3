package io.mailgrid.node.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import io.mailgrid.ingress.SmtpUsers;

/**
 * {@code mailgrid hash-password NAME}: reads a password (without echo on a terminal, else one line
 * of standard input) and prints the line for the SMTP users file, {@code NAME = ENC(hash)}.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Print a line for the SMTP AUTH users file (mailgrid.smtp.auth.users-file): NAME = ENC(one-way hash).",
                "The password is read from the terminal without echo, or as one line of standard input."})
final class HashPasswordCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The user name the client will give in AUTH")
    String name;

    @Override
    public Integer call() throws IOException {
        if (name.isBlank() || name.chars().anyMatch(c -> c == '=' || c == ':' || Character.isWhitespace(c))) {
            System.err.println("mailgrid hash-password: a user name without spaces, '=' or ':', please");
            return MailgridCommand.EXIT_USAGE;
        }
        String password = read();
        if (password == null || password.isEmpty()) {
            System.err.println("mailgrid hash-password: no password given");
            return MailgridCommand.EXIT_USAGE;
        }
        System.out.println(name + " = " + SmtpUsers.hash(password));
        return 0;
    }

    private static String read() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            return typed == null ? null : new String(typed);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
