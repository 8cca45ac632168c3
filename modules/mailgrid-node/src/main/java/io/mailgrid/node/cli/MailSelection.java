package io.mailgrid.node.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The part of a dlq or quarantine command's selection both share: mail ids, or {@code --all}.
 * Each command adds its own filters beside it ({@link QuarantineSelection}, {@link DlqCommand}).
 */
final class MailSelection {

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Mail ids (see ${PARENT-COMMAND-NAME} list)")
    List<String> mailIds = new ArrayList<>();

    @Option(names = "--all", description = "Every mail in the ${PARENT-COMMAND-NAME}")
    boolean all;

    /** The mail ids given. */
    List<String> mailIds() {
        return List.copyOf(mailIds);
    }

    /** Whether --all was given. */
    boolean all() {
        return all;
    }
}
