package io.mailgrid.checks;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Verdict;

/**
 * Runs one check instance as a step of the policy chain ({@code <to uri="check:NAME?..."/>} in
 * routes/policy.xml), with the step's outcome.
 *
 * <p>Records the instance name in {@code mailgrid_checks}. A verdict other than CLEAN either
 * quarantines (recorded in {@code mailgrid_verdict}/{@code mailgrid_reason}, naming the instance;
 * later steps are skipped: the mail goes to quarantine with the first reason found) or tags the mail
 * ({@link MailTag}, the tag added to {@code mailgrid_tags}; the verdict stays CLEAN and later steps
 * run). A check that cannot decide fails the step with a {@link CheckFailedException} naming the
 * instance.
 */
public final class CheckStep implements Processor {

    /** Exchange property naming the step that is running, so a timeout can say where it hung. */
    public static final String CURRENT_STEP = "mailgrid.current-step";

    private final CheckDeclaration declaration;
    private final Check check;

    /**
     * @param declaration the step as written in the routes
     * @param check       the check built for it
     */
    public CheckStep(CheckDeclaration declaration, Check check) {
        this.declaration = declaration;
        this.check = check;
    }

    /** A step running this check with its defaults: quarantine, named after the check. */
    public static CheckStep of(Check check) {
        CheckDeclaration declaration = new CheckDeclaration(check.name(), CheckKind.named(check.name())
                .orElse(CheckKind.PASS_ALL), java.util.Map.of(), CheckOutcome.QUARANTINE, check.name(), "");
        return new CheckStep(declaration, check);
    }

    /** The instance name: in stamps, reasons, status and required checks. */
    public String instance() {
        return declaration.instance();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String verdict = in.getHeader(MailProperty.VERDICT, String.class);
        if (verdict != null && !Verdict.CLEAN.name().equals(verdict)) {
            return;
        }
        exchange.setProperty(CURRENT_STEP, "check:" + instance());
        byte[] bytes = in.getBody(byte[].class);
        MailUnderCheck mail = new MailUnderCheck(Envelope.fromHeaders(in.getHeaders()), bytes);
        CheckResult result;
        try {
            result = check.check(mail);
        } catch (CheckFailedException e) {
            // the DLQ reason names the check that could not decide
            throw new CheckFailedException(instance() + ": " + e.getMessage(), e);
        }
        in.setHeader(MailProperty.CHECKS, append(in.getHeader(MailProperty.CHECKS, String.class), instance()));
        if (result.verdict() == Verdict.CLEAN) {
            in.setHeader(MailProperty.VERDICT, Verdict.CLEAN.name());
        } else if (declaration.outcome() == CheckOutcome.TAG) {
            in.setBody(MailTag.apply(bytes, declaration.tag(), declaration.subjectPrefix()));
            in.setHeader(MailProperty.TAGS, append(in.getHeader(MailProperty.TAGS, String.class), declaration.tag()));
            in.setHeader(MailProperty.VERDICT, Verdict.CLEAN.name());
        } else {
            in.setHeader(MailProperty.VERDICT, result.verdict().name());
            in.setHeader(MailProperty.REASON, instance() + ": " + result.reason());
        }
        exchange.removeProperty(CURRENT_STEP);
    }

    private static String append(String list, String name) {
        return list == null || list.isEmpty() ? name : list + "," + name;
    }

    /** The step as written. */
    public CheckDeclaration declaration() {
        return declaration;
    }

    /** The check this step runs. */
    public Check check() {
        return check;
    }
}
