package io.mailgrid.checks;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * One content rule: a keyword or regular expression, and where in a mail it applies. Written in
 * the rules file as {@code NAME WHERE TYPE PATTERN} (see config/content-rules.txt).
 *
 * @param name    shown in the quarantine reason (the matched text never is)
 * @param where   the places the rule looks at
 * @param pattern what it looks for
 */
public record ContentRule(String name, Set<Where> where, Pattern pattern) {

    /** Where in a mail a rule looks. */
    public enum Where {
        /** The decoded Subject of the mail and of attached messages. */
        SUBJECT,
        /** Every text part, inline or attached. */
        BODY,
        /** The decoded file name of every attachment. */
        ATTACHMENT_NAME;

        static Where parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "subject" -> SUBJECT;
                case "body" -> BODY;
                case "attachment-name" -> ATTACHMENT_NAME;
                default -> throw new IllegalArgumentException("unknown place '" + text
                        + "' (allowed: subject, body, attachment-name, any)");
            };
        }
    }

    public ContentRule {
        where = Set.copyOf(where);
    }

    /** A rule matching literal words in any case, not inside a longer word; spaces match any white space. */
    public static ContentRule keyword(String name, Set<Where> where, String words) {
        List<String> parts = new ArrayList<>();
        for (String word : words.trim().split("\\s+")) {
            parts.add(Pattern.quote(word));
        }
        // The first word comes before the look-behind that checks the character in front of it: the
        // regex engine then rejects most positions on their first character instead of running a
        // Unicode class test at every character of the text (JMH: ContentRulesBenchmark).
        String first = parts.get(0);
        String regex = first + "(?<![\\p{L}\\p{N}_]" + first + ")"
                + parts.subList(1, parts.size()).stream().map(part -> "\\s+" + part).collect(Collectors.joining())
                + "(?![\\p{L}\\p{N}_])";
        return new ContentRule(name, where, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** A rule matching a Java regular expression. */
    public static ContentRule regex(String name, Set<Where> where, String regex) {
        return new ContentRule(name, where, Pattern.compile(regex));
    }

    /**
     * Parses one line of the rules file: {@code NAME WHERE TYPE PATTERN}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ContentRule parse(String line) {
        String[] fields = line.trim().split("\\s+", 4);
        if (fields.length < 4 || fields[3].isBlank()) {
            throw new IllegalArgumentException("expected NAME WHERE TYPE PATTERN");
        }
        Set<Where> where = EnumSet.noneOf(Where.class);
        for (String place : fields[1].split(",")) {
            if (place.equalsIgnoreCase("any")) {
                where.addAll(EnumSet.allOf(Where.class));
            } else {
                where.add(Where.parse(place.trim()));
            }
        }
        String pattern = fields[3].trim();
        try {
            return switch (fields[2].toLowerCase(Locale.ROOT)) {
                case "keyword" -> keyword(fields[0], where, pattern);
                case "regex" -> regex(fields[0], where, pattern);
                default -> throw new IllegalArgumentException("unknown type '" + fields[2] + "' (allowed: keyword, regex)");
            };
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /** Whether the rule looks at this place. */
    public boolean appliesTo(Where place) {
        return where.contains(place);
    }
}
