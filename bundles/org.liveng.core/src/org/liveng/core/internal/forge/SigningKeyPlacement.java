package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Setting;

/**
 * {@code agent.signing-key}: the one private key an own-key chain signs kernels with (mok: the MOK key, custom-pk: the
 * db key) and its certificate, placed into the encrypted persistence's overlay at {@value #DIR}, as a key folder the
 * keys bundle reads ({@code NAME.key} 0600, {@code NAME.crt} 0644, the folder 0700, all root's). Kernels installed on
 * the running stick are then signed with it. Refused before anything is written where the key would be exposed or
 * useless: unencrypted persistence, a chain that signs no kernels with an own key, no agent, a key on a PKCS #11
 * token (it cannot leave the token) or a passphrase-encrypted key (the kernel hook cannot ask for the passphrase).
 */
final class SigningKeyPlacement {
    /** The key folder on the stick, relative to the root of the running system (and to the overlay's upper directory). */
    static final String DIR = "etc/liveng/keys";

    /** The owner's key file and certificate, and the name they get on the stick ({@code mok} or {@code db}). */
    record Key(String name, Path key, Path certificate) {
    }

    private SigningKeyPlacement() {
    }

    /**
     * Resolves {@code agent.signing-key}: null when false; the key to place when true and everything allows it; else an
     * error naming the setting (and the setting in the way).
     */
    static Key decide(Recipe recipe, AgentPlacement.Decision agent, String encryption) throws LivengException {
        String on = recipe.get(RecipeSettings.AGENT_SIGNING_KEY);
        String setting = RecipeSettings.AGENT_SIGNING_KEY.name();
        if (!on.equals("true") && !on.equals("false")) {
            throw new LivengException(ErrorCodes.USAGE, setting + "=" + on + " is neither true nor false", RecipeSettings.AGENT_SIGNING_KEY.help());
        }
        if (on.equals("false")) {
            return null;
        }
        String signing = recipe.get(RecipeSettings.SIGNING);
        String keep = "or leave " + setting + "=false and update kernels from the host (liveng kernel update ... signing.keys=DIR)";
        if (!signing.equals("mok") && !signing.equals("custom-pk")) {
            throw refusal(setting + "=true needs signing=mok or signing=custom-pk (the chains that sign kernels with your own key), not signing="
                    + signing, "set " + setting + "=false: a " + signing + " stick needs no key of yours for its kernels");
        }
        if (encryption.equals("none")) {
            throw refusal(setting + "=true with " + RecipeSettings.PERSISTENCE_ENCRYPTION.name()
                    + "=none would put your private signing key on an unencrypted partition", "use persistence.encryption=luks2, " + keep);
        }
        if (agent.agent() == null) {
            throw refusal(setting + "=true but the on-stick agent is not placed (" + RecipeSettings.AGENT_INSTALL.name() + "="
                    + recipe.get(RecipeSettings.AGENT_INSTALL) + "): nothing on the stick would use the key",
                    "set " + RecipeSettings.AGENT_INSTALL.name() + "=true (with " + RecipeSettings.AGENT_PATH.name() + "=DIR), " + keep);
        }
        boolean mok = signing.equals("mok");
        String name = mok ? "mok" : "db";
        Setting keySetting = mok ? RecipeSettings.SIGNING_MOK_KEY : RecipeSettings.SIGNING_DB_KEY;
        String given = recipe.get(keySetting);
        String ref;
        Path cert;
        if (given == null || given.isEmpty()) {
            String dir = recipe.get(RecipeSettings.SIGNING_KEYS);
            Path folder = dir == null || dir.isEmpty() ? defaultFolder() : Path.of(dir);
            ref = Files.isRegularFile(folder.resolve(name + ".pkcs11")) ? "pkcs11:" : folder.resolve(name + ".key").toString();
            cert = folder.resolve(name + ".crt");
        } else {
            ref = given;
            cert = null;
        }
        if (ref.startsWith("pkcs11:")) {
            throw refusal(setting + "=true but the " + name + " key is on a PKCS #11 token (" + keySetting.name()
                    + " or the key folder's " + name + ".pkcs11): it cannot leave the token", keep);
        }
        Path key = Path.of(ref.replaceFirst("^file:", ""));
        if (cert == null) {
            cert = key.resolveSibling(key.getFileName().toString().replaceFirst("\\.(key|pem)$", "") + ".crt");
        }
        for (Path f : List.of(key, cert)) {
            if (!Files.isRegularFile(f)) {
                throw new LivengException(ErrorCodes.NOT_FOUND, setting + "=true but " + f + " does not exist",
                        "'liveng keys create " + name + "' makes the key and its certificate, or name it with " + keySetting.name());
            }
        }
        if (encrypted(key)) {
            throw refusal(setting + "=true but the " + name + " key " + key + " is passphrase-encrypted: the kernel hook on the stick"
                    + " cannot ask for the passphrase", "place an unencrypted copy of the key (the persistence's encryption protects it), " + keep);
        }
        return new Key(name, key, cert);
    }

    /** The keys bundle's default key folder: {@code $XDG_CONFIG_HOME/liveng/keys}, else {@code ~/.config/liveng/keys}. */
    private static Path defaultFolder() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("liveng/keys");
    }

    /** Whether a PEM key file is passphrase-encrypted PKCS #8; its bytes are wiped after the look. */
    private static boolean encrypted(Path key) throws LivengException {
        byte[] text = null;
        try {
            text = Files.readAllBytes(key);
            byte[] marker = "-----BEGIN ENCRYPTED PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII);
            outer: for (int i = 0; i + marker.length <= text.length; i++) {
                for (int j = 0; j < marker.length; j++) {
                    if (text[i + j] != marker[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + key + ": " + e.getMessage(), null, e);
        } finally {
            if (text != null) {
                Arrays.fill(text, (byte) 0);
            }
        }
    }

    private static LivengException refusal(String message, String hint) {
        return new LivengException(ErrorCodes.PREFLIGHT, message + "; nothing was written", hint);
    }

    /** The plan's note: where the key goes and what that means. */
    static String note(Key key) {
        return "signing key: your " + key.name() + " private key (" + key.key().getFileName() + ") and certificate go to /" + DIR
                + " in the encrypted persistence, so kernels installed on the stick are signed there; anyone with the stick AND the"
                + " persistence passphrase can sign kernels that every machine trusting this key boots";
    }

    /** Where {@link #place} writes the key file under {@code upper} (known before it is written, so that a failure can wipe it). */
    static Path staged(Key key, Path upper) {
        return upper.resolve(DIR).resolve(key.name() + ".key");
    }

    /**
     * Writes the key folder into {@code upper}: {@code etc} and {@code etc/liveng} 0755 where not already there, the folder
     * 0700, the key 0600, the certificate 0644. The key's bytes are wiped from memory after writing.
     */
    static void place(Key key, Path upper) throws IOException {
        Path parent = upper;
        for (String part : List.of("etc", "liveng")) {
            parent = parent.resolve(part);
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent);
                Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Path dir = Files.createDirectory(parent.resolve("keys"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        byte[] bytes = Files.readAllBytes(key.key());
        try {
            writeNew(staged(key, upper), bytes, "rw-------");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        writeNew(dir.resolve(key.name() + ".crt"), Files.readAllBytes(key.certificate()), "rw-r--r--");
    }

    /** Creates {@code file} with {@code mode} from the start (a key file is never readable by others, not even briefly). */
    private static void writeNew(Path file, byte[] bytes, String mode) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
            ByteBuffer bb = ByteBuffer.wrap(bytes);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    /** The path of the placed key in the persistence filesystem as debugfs names it, for {@link #wipeBlocks}. */
    static String fsPath(Key key) {
        return "/" + InitrdFix.OVERLAY_UPPER + "/" + DIR + "/" + key.name() + ".key";
    }

    /** The 4 KiB blocks of the key's file in the ext4 image, from debugfs's {@code blocks} (block numbers, space separated). */
    static List<Long> blocks(String debugfsOutput) {
        List<Long> out = new ArrayList<>();
        for (String t : debugfsOutput.trim().split("\\s+")) {
            if (t.matches("\\d+")) {
                out.add(Long.parseLong(t));
            }
        }
        return out;
    }

    /** Overwrites with zeros the blocks of {@code image} that held the key in plaintext, before the image is deleted. */
    static void wipeBlocks(Path image, List<Long> blocks, int blockSize) throws IOException {
        if (blocks.isEmpty() || !Files.isRegularFile(image)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            for (long b : blocks) {
                ByteBuffer zeros = ByteBuffer.allocate(blockSize);
                long at = b * blockSize;
                while (zeros.hasRemaining()) {
                    at += ch.write(zeros, at);
                }
            }
            ch.force(true);
        }
    }

    /** Overwrites the staged key file with zeros and deletes it (the staging folder is deleted after). */
    static void wipeFile(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
            long at = 0;
            while (at < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                at += ch.write(zeros, at);
            }
            ch.force(true);
        }
        Files.delete(file);
    }
}
