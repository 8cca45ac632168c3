package io.mailgrid.checks;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Verdict;

/**
 * Runs a {@link Check} as a step of the policy chain in routes/policy.xml
 * ({@code <process ref="check-<name>"/>}).
 *
 * <p>Records the check's name in {@code mailgrid_checks} and its verdict in
 * {@code mailgrid_verdict}/{@code mailgrid_reason}. Once a check has given a verdict other than
 * CLEAN, later steps are skipped: the mail goes to quarantine with the first reason found.
 * A check that cannot decide fails the step with a {@link CheckFailedException} naming the check.
 */
public final class CheckStep implements Processor {

    /** Exchange property naming the step that is running, so a timeout can say where it hung. */
    public static final String CURRENT_STEP = "mailgrid.current-step";

    private final Check check;

    public CheckStep(Check check) {
        this.check = check;
    }

    /** The registry name routes refer to: {@code check-<name>}. */
    public String beanName() {
        return "check-" + check.name();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String verdict = in.getHeader(MailProperty.VERDICT, String.class);
        if (verdict != null && !Verdict.CLEAN.name().equals(verdict)) {
            return;
        }
        exchange.setProperty(CURRENT_STEP, beanName());
        MailUnderCheck mail = new MailUnderCheck(Envelope.fromHeaders(in.getHeaders()), in.getBody(byte[].class));
        CheckResult result;
        try {
            result = check.check(mail);
        } catch (CheckFailedException e) {
            // the DLQ reason names the check that could not decide
            throw new CheckFailedException(check.name() + ": " + e.getMessage(), e);
        }
        String ran = in.getHeader(MailProperty.CHECKS, String.class);
        in.setHeader(MailProperty.CHECKS, ran == null || ran.isEmpty() ? check.name() : ran + "," + check.name());
        in.setHeader(MailProperty.VERDICT, result.verdict().name());
        if (result.reason() != null) {
            in.setHeader(MailProperty.REASON, check.name() + ": " + result.reason());
        }
        exchange.removeProperty(CURRENT_STEP);
    }

    /** The check this step runs. */
    public Check check() {
        return check;
    }
}
