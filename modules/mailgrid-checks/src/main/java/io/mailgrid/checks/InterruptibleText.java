package io.mailgrid.checks;

/**
 * A character sequence that stops a regular expression when the thread is interrupted: a
 * pattern that backtracks for minutes on crafted text then ends at the reservation deadline
 * instead of holding a worker thread.
 */
final class InterruptibleText implements CharSequence {

    /** Thrown from inside the regex engine when the thread was interrupted. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    private final CharSequence text;
    private int reads;

    InterruptibleText(CharSequence text) {
        this.text = text;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFF) == 0 && Thread.currentThread().isInterrupted()) {
            throw new Interrupted();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new InterruptibleText(text.subSequence(start, end));
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
