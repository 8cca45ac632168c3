package io.mailgrid.checks;

import java.net.URLConnection;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which file names and MIME types the attachment policy refuses. Names are judged as Windows
 * would open them: the last extension counts ({@code invoice.pdf.exe} is an exe), trailing dots
 * and spaces are ignored, and so is anything after a NUL or control character.
 */
final class BlockedNames {

    private final Set<String> extensions = new LinkedHashSet<>();
    private final Set<String> types = new LinkedHashSet<>();
    private final Set<String> wholeTypes = new LinkedHashSet<>();

    BlockedNames(Collection<String> blockedExtensions, Collection<String> blockedTypes) {
        for (String extension : blockedExtensions) {
            String clean = extension.trim().toLowerCase(Locale.ROOT);
            extensions.add(clean.startsWith(".") ? clean.substring(1) : clean);
        }
        for (String type : blockedTypes) {
            String clean = type.trim().toLowerCase(Locale.ROOT);
            if (clean.endsWith("/*")) {
                wholeTypes.add(clean.substring(0, clean.length() - 1));
            } else {
                types.add(clean);
            }
        }
    }

    /** Why a part with this name and declared type is blocked, or null if it is not. */
    String whyBlocked(String fileName, String mimeType) {
        if (fileName != null) {
            for (String candidate : candidates(fileName)) {
                String extension = extension(candidate);
                if (!extension.isEmpty() && extensions.contains(extension)) {
                    return "has a blocked extension (." + extension + ")";
                }
            }
        }
        if (mimeType != null && isBlockedType(mimeType)) {
            return "has a blocked type (" + mimeType + ")";
        }
        return null;
    }

    /** Why an archive entry is blocked: by its name, and by the MIME type its name implies. */
    String whyEntryBlocked(String entryName) {
        String byName = whyBlocked(entryName, null);
        if (byName != null) {
            return byName;
        }
        String implied = URLConnection.guessContentTypeFromName(baseName(entryName));
        return implied != null && isBlockedType(implied.toLowerCase(Locale.ROOT)) ? "has a blocked type (" + implied + ")" : null;
    }

    private boolean isBlockedType(String mimeType) {
        String type = mimeType.toLowerCase(Locale.ROOT);
        if (types.contains(type)) {
            return true;
        }
        for (String prefix : wholeTypes) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The name as given, and cut at the first control character (as some tools read it). */
    private static Set<String> candidates(String fileName) {
        Set<String> names = new LinkedHashSet<>();
        names.add(fileName);
        for (int i = 0; i < fileName.length(); i++) {
            if (Character.isISOControl(fileName.charAt(i))) {
                names.add(fileName.substring(0, i));
                break;
            }
        }
        return names;
    }

    /** The file name without folders. */
    static String baseName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    /** The last extension, lower case, ignoring trailing dots, spaces and control characters. */
    static String extension(String fileName) {
        String name = baseName(fileName);
        int end = name.length();
        while (end > 0) {
            char c = name.charAt(end - 1);
            if (c == '.' || Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                end--;
            } else {
                break;
            }
        }
        name = name.substring(0, end);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
