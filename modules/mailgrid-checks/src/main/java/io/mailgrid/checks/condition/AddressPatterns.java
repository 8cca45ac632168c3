package io.mailgrid.checks.condition;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Address or domain patterns from a comma-separated list: {@code partner.example}, {@code *.partner.example},
 * {@code *@partner.example}, {@code ceo@*}; {@code *} stands for any text, case is ignored.
 */
final class AddressPatterns {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9*@._+=-]+");

    private final List<Pattern> patterns;
    private final String text;

    private AddressPatterns(List<Pattern> patterns, String text) {
        this.patterns = patterns;
        this.text = text;
    }

    /**
     * @param property the property being set, for the message
     * @throws IllegalArgumentException an empty list, or a pattern with other characters than an address has
     */
    static AddressPatterns parse(String property, String list) {
        List<String> items = list == null ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException(property + ": at least one pattern needed");
        }
        for (String item : items) {
            if (!ALLOWED.matcher(item).matches()) {
                throw new IllegalArgumentException(property + ": '" + item + "' is not an address or domain pattern"
                        + " (letters, digits, . - _ + = @ and * only)");
            }
        }
        List<Pattern> patterns = items.stream().map(item -> Pattern.compile(Arrays.stream(item.toLowerCase(Locale.ROOT)
                .split("\\*", -1)).map(Pattern::quote).reduce((a, b) -> a + ".*" + b).orElse(""))).toList();
        return new AddressPatterns(patterns, String.join(",", items));
    }

    boolean matches(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(pattern -> pattern.matcher(lower).matches());
    }

    /** The domain of an address, empty for the null sender {@code <>}. */
    static String domain(String address) {
        int at = address == null ? -1 : address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }

    @Override
    public String toString() {
        return text;
    }
}
