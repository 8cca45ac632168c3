package io.mailgrid.checks;

/**
 * Whether a check can run on this node, and if not, why ("clamdscan not found on PATH").
 *
 * @param available true if the check can judge mail here
 * @param reason    why it cannot; null when available
 */
public record CheckStatus(boolean available, String reason) {

    private static final CheckStatus AVAILABLE = new CheckStatus(true, null);

    public CheckStatus {
        if (!available && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("an unavailable check needs a reason");
        }
    }

    /** The check can run. */
    public static CheckStatus ok() {
        return AVAILABLE;
    }

    /** The check cannot run, for this reason. */
    public static CheckStatus unavailable(String reason) {
        return new CheckStatus(false, reason);
    }

    @Override
    public String toString() {
        return available ? "available" : "UNAVAILABLE: " + reason;
    }
}
