package dev.steward.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dev stack's master key for secrets at rest ({@code .steward/secrets.key}): 32 random bytes in base64, made on the
 * first start, readable by its owner only, kept as long as the database it unlocks. Losing it makes the dev
 * database's sealed values unreadable; {@code rm -rf .steward} removes both together.
 */
final class SecretsKeyFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretsKeyFile() {
    }

    static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                try {
                    // created with mode 600 from the start: never readable by others, not even for a moment
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, generate() + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another start made it first: use that one
                }
            }
            String key = Files.readString(file).strip();
            if (key.isEmpty()) {
                throw new StackException(file + " is empty. If the dev database holds no secrets yet, delete the"
                        + " file and start again; otherwise restore it from a copy");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
