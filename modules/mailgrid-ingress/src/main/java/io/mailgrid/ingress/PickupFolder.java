package io.mailgrid.ingress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The pickup folder with its sub-folders {@code .claimed/<node>/} and {@code rejected/}, held as
 * directory handles for one poll or one step. Whoever may write into the pickup folder must not be
 * able to redirect what the node moves or writes: a symbolic link put in place of
 * {@code .claimed} pointing at the outbox Maildir would deliver files unchecked, one in place of
 * {@code rejected} pointing at {@code routes/} would plant files the node loads. So the
 * sub-folders are opened without following links, and every rename and reason file names its
 * file relative to a handle (Java's secure directory streams: {@code openat}, {@code renameat}).
 * Where the platform has none, each sub-folder is checked not to be a link before it is used.
 */
final class PickupFolder implements AutoCloseable {

    static final String CLAIMED = ".claimed";
    static final String REJECTED = "rejected";

    private final Path dir;
    private final Path claimsDir;
    private final Path rejectedDir;
    private final DirectoryStream<Path> mails;
    private final List<AutoCloseable> open = new ArrayList<>();
    private SecureDirectoryStream<Path> folder;
    private SecureDirectoryStream<Path> claims;
    private SecureDirectoryStream<Path> rejected;

    private PickupFolder(Path dir, String node) throws IOException {
        this.dir = dir;
        this.claimsDir = dir.resolve(CLAIMED).resolve(node);
        this.rejectedDir = dir.resolve(REJECTED);
        this.mails = Files.newDirectoryStream(dir, "*.eml");
        open.add(mails);
    }

    /**
     * Opens the folder, creating its sub-folders the first time.
     *
     * @throws IOException if the claims folder is not a directory (a symbolic link is refused)
     */
    static PickupFolder open(Path dir, String node) throws IOException {
        createDirectory(dir.resolve(CLAIMED));
        requireDirectory(dir.resolve(CLAIMED)); // never create the node's folder through a link
        createDirectory(dir.resolve(CLAIMED).resolve(node));
        createDirectory(dir.resolve(REJECTED));
        PickupFolder opened = new PickupFolder(dir, node);
        try {
            if (opened.mails instanceof SecureDirectoryStream<Path> secure) {
                opened.folder = secure;
                SecureDirectoryStream<Path> claimed = opened.subfolder(secure, Path.of(CLAIMED), CLAIMED);
                opened.claims = opened.subfolder(claimed, Path.of(node), CLAIMED + "/" + node);
            } else {
                requireDirectory(opened.claimsDir);
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** The {@code *.eml} entries of the folder; can be iterated once. */
    Iterable<Path> mails() {
        return mails;
    }

    /** This node's claims folder, for listing what it holds. */
    Path claimsDir() {
        return claimsDir;
    }

    /** What a file of the folder is, without following a link. */
    BasicFileAttributes attributes(Path file) throws IOException {
        if (folder != null) {
            return folder.getFileAttributeView(file.getFileName(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        }
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Renames a file of the folder into this node's claims folder.
     *
     * @return the claimed file
     * @throws NoSuchFileException if someone else renamed it first
     */
    Path claim(Path file, String claimedName) throws IOException {
        if (folder != null) {
            folder.move(file.getFileName(), claims, Path.of(claimedName));
        } else {
            Files.move(file, claimsDir.resolve(claimedName), StandardCopyOption.ATOMIC_MOVE);
        }
        return claimsDir.resolve(claimedName);
    }

    /** Forces the folder and the claims folder to disk, so renames survive a power cut. */
    void sync() {
        for (Path directory : List.of(dir, claimsDir)) {
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                // a file system that cannot sync a directory: the rename stands, only its durability is weaker
            }
        }
    }

    /**
     * Moves a claimed file to {@code rejected/}, under {@code name} if that is free, else under its
     * claimed name, with a {@code .reason} file. The reason is written first: a crash in between
     * leaves the file claimed, and the next poll sets it aside again.
     *
     * @return where the file is now
     */
    Path reject(Path claimed, String name, String reason) throws IOException {
        if (folder != null && rejected == null) { // opened only when needed: a broken rejected/ stops no good mail
            rejected = subfolder(folder, Path.of(REJECTED), REJECTED);
        } else if (folder == null) {
            requireDirectory(rejectedDir);
        }
        String target = exists(name) ? claimed.getFileName().toString() : name;
        writeReason(target, reason);
        if (rejected != null) {
            claims.move(claimed.getFileName(), rejected, Path.of(target));
        } else {
            try {
                Files.move(claimed, rejectedDir.resolve(target));
            } catch (FileAlreadyExistsException e) { // another node set aside a file of this name just now
                target = claimed.getFileName().toString();
                writeReason(target, reason);
                Files.move(claimed, rejectedDir.resolve(target));
            }
        }
        return rejectedDir.resolve(target);
    }

    private boolean exists(String name) throws IOException {
        try {
            if (rejected != null) {
                rejected.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
                return true;
            }
            return Files.exists(rejectedDir.resolve(name), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** {@code <name>.reason}, written under a fresh name and renamed over: a link of that name is replaced, never followed. */
    private void writeReason(String name, String reason) throws IOException {
        Path temporary = Path.of("." + UUID.randomUUID() + ".reason.tmp");
        Path reasonFile = Path.of(name + ".reason");
        ByteBuffer text = ByteBuffer.wrap((reason + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        Set<StandardOpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (rejected != null) {
            try (SeekableByteChannel out = rejected.newByteChannel(temporary, create)) {
                while (text.hasRemaining()) {
                    out.write(text);
                }
            }
            rejected.move(temporary, rejected, reasonFile);
        } else {
            requireDirectory(rejectedDir);
            Files.write(rejectedDir.resolve(temporary), text.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(rejectedDir.resolve(temporary), rejectedDir.resolve(reasonFile), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private SecureDirectoryStream<Path> subfolder(SecureDirectoryStream<Path> parent, Path name, String shown)
            throws IOException {
        try {
            SecureDirectoryStream<Path> sub = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
            open.add(sub);
            return sub;
        } catch (IOException e) {
            throw notADirectory(shown, e);
        }
    }

    private static void createDirectory(Path path) throws IOException {
        try {
            Files.createDirectory(path);
        } catch (FileAlreadyExistsException e) {
            // there already, or something else of that name: opening it tells
        }
    }

    private static void requireDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw notADirectory(path.getParent().getFileName() + "/" + path.getFileName(), null);
        }
    }

    private static IOException notADirectory(String name, IOException cause) {
        return new IOException("pickup folder's " + name + " is not a directory (a symbolic link is not followed there):"
                + " move it away so Mailgrid can create it" + (cause == null ? "" : " (" + cause + ")"), cause);
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // closing a directory handle cannot lose anything
            }
        }
    }
}
