package io.mailgrid.checks;

/** The placeholder check: every mail is CLEAN. Stands in the chain until real checks replace it. */
public final class PassAll implements Check {

    @Override
    public String name() {
        return "pass-all";
    }

    @Override
    public CheckResult check(MailUnderCheck mail) {
        return CheckResult.clean();
    }
}
