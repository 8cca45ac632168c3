package io.mailgrid.node.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

import io.mailgrid.core.ControlCharacters;

/**
 * {@code %safeEx} in logback.xml: the stack trace as Logback writes it, with control characters
 * escaped in the message of every exception, cause and suppressed exception (messages often quote
 * the input that failed). The stack trace keeps its own lines.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(escaped(proxy));
    }

    private static IThrowableProxy escaped(IThrowableProxy proxy) {
        return proxy == null ? null : new Escaped(proxy);
    }

    /** The same exception, with its message (and its causes' messages) escaped. */
    private static final class Escaped implements IThrowableProxy {
        private final IThrowableProxy proxy;

        Escaped(IThrowableProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public String getMessage() {
            return ControlCharacters.escape(proxy.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return ControlCharacters.escape(proxy.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return escaped(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                escaped[i] = escaped(suppressed[i]);
            }
            return escaped;
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
