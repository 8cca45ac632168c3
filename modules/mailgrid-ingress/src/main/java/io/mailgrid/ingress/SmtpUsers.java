package io.mailgrid.ingress;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.activemq.artemis.utils.HashProcessor;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.auth.UsernamePasswordValidator;

import io.mailgrid.core.ConfigException;

/**
 * The users who may AUTH on the SMTP listener: a properties file of {@code name = ENC(hash)} lines,
 * the one-way PBKDF2 hash Artemis uses for its own user file ({@code ./mailgrid hash-password} or
 * {@code artemis mask --hash} makes one). Plain-text passwords are refused at start-up.
 */
public final class SmtpUsers implements UsernamePasswordValidator {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpUsers.class);

    private final Map<String, String> hashes;
    /** Compared against when the user is unknown, so a wrong name costs as long as a wrong password. */
    private final String decoy;

    private SmtpUsers(Map<String, String> hashes, String decoy) {
        this.hashes = hashes;
        this.decoy = decoy;
    }

    /**
     * Reads the users file.
     *
     * @throws ConfigException naming {@code mailgrid.smtp.auth.users-file} if it cannot be read, is
     *                         empty, or holds a password that is not a hash
     */
    public static SmtpUsers load(Path file) {
        String key = IngressSettingsCatalog.SMTP_AUTH_USERS_FILE;
        Properties lines = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines.load(reader);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> hashes = new TreeMap<>();
        for (String name : lines.stringPropertyNames()) {
            String stored = lines.getProperty(name).trim();
            if (!PasswordMaskingUtil.isEncMasked(stored)) {
                throw new ConfigException(key + ": the password of '" + name + "' in " + file
                        + " is not a hash; write the line ./mailgrid hash-password " + name + " prints");
            }
            hashes.put(name, stored);
        }
        if (hashes.isEmpty()) {
            throw new ConfigException(key + ": " + file + " lists no user (name = ENC(...) per line)");
        }
        try {
            return new SmtpUsers(hashes, hash("decoy password that matches nothing"));
        } catch (IllegalStateException e) {
            throw new ConfigException(key + ": " + e.getMessage(), e);
        }
    }

    /** The line for a users file: the password's one-way hash, {@code ENC(...)}. */
    public static String hash(String password) {
        try {
            return PasswordMaskingUtil.getHashProcessor().hash(password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot hash a password: " + e.getMessage(), e);
        }
    }

    /** How many users may AUTH. */
    public int size() {
        return hashes.size();
    }

    @Override
    public void login(String username, String password, MessageContext context) throws LoginFailedException {
        String stored = hashes.get(username);
        String against = stored == null ? decoy : stored;
        HashProcessor processor = PasswordMaskingUtil.getHashProcessor(against);
        boolean matches = processor.compare(password.toCharArray(), against);
        String client = context.getRemoteAddress() instanceof InetSocketAddress remote
                ? remote.getAddress().getHostAddress() : String.valueOf(context.getRemoteAddress());
        if (stored == null || !matches) {
            // one line per failure with the client address, for rate limiting outside (fail2ban)
            LOG.warn("SMTP AUTH failed for client {}: {}", client, stored == null ? "unknown user" : "wrong password");
            throw new LoginFailedException();
        }
        LOG.info("SMTP client {} authenticated as {}", client, username);
    }
}
