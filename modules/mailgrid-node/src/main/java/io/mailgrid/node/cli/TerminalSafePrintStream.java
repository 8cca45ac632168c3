package io.mailgrid.node.cli;

import java.io.PrintStream;

import io.mailgrid.core.ControlCharacters;

/**
 * Standard output and error of the {@code mailgrid} commands: every text printed goes through
 * {@link ControlCharacters#escapeKeepingLines}, so whatever a command prints (a reason, a sender,
 * a HELO name, a peer's status) cannot move the cursor, retitle the window, ring the bell or
 * overwrite a line on the operator's terminal. Line feeds and tabs the commands write stay; fields
 * that must stay on one line are escaped by the command before it lays out its table.
 */
final class TerminalSafePrintStream extends PrintStream {

    private final PrintStream target;

    private TerminalSafePrintStream(PrintStream target) {
        // bytes written as bytes go to the target unchanged; text is escaped and printed by the
        // target, in the target's own encoding
        super(target, true);
        this.target = target;
    }

    /** The stream, made terminal-safe (once). */
    static PrintStream wrap(PrintStream stream) {
        return stream instanceof TerminalSafePrintStream ? stream : new TerminalSafePrintStream(stream);
    }

    @Override
    public void print(String s) {
        synchronized (this) {
            flush();
            target.print(ControlCharacters.escapeKeepingLines(String.valueOf(s)));
        }
    }

    @Override
    public void println() {
        synchronized (this) {
            flush();
            target.println();
        }
    }

    @Override
    public void print(char c) {
        print(String.valueOf(c));
    }

    @Override
    public void print(char[] s) {
        print(new String(s));
    }

    @Override
    public void print(Object obj) {
        print(String.valueOf(obj));
    }

    @Override
    public void println(String x) {
        synchronized (this) {
            print(x);
            println();
        }
    }

    @Override
    public void println(Object x) {
        println(String.valueOf(x));
    }

    @Override
    public void println(char[] x) {
        println(new String(x));
    }

    @Override
    public void println(char x) {
        println(String.valueOf(x));
    }

    @Override
    public PrintStream append(CharSequence csq) {
        print(String.valueOf(csq));
        return this;
    }

    @Override
    public PrintStream append(CharSequence csq, int start, int end) {
        print(String.valueOf(csq == null ? "null" : csq.subSequence(start, end)));
        return this;
    }

    @Override
    public PrintStream append(char c) {
        print(c);
        return this;
    }

    @Override
    public void flush() {
        super.flush();
        target.flush();
    }
}
