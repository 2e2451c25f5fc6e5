package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.Secret;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.keys.KeyRole;
import org.liveng.api.medium.Content;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.core.internal.forge.OnStickKeys;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;
import org.liveng.testing.UpdateKernel;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code agent.signing-key}: forge puts the owner's MOK key and certificate into the LUKS2 persistence's overlay at
 * {@code /etc/liveng/keys} (judged by debugfs and e2fsck on the plaintext our LUKS2 reader decrypts: modes, owner, the
 * very bytes of the owner's files; the raw partition does not show the key), each refusal names the setting and writes
 * nothing, and a kernel signed on the stick with that folder passes {@code sbverify --cert}.
 */
@ExtendWith(ServiceExtension.class)
class StickSigningKeyTest {
    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    ProviderRegistry registry;

    /**
     * A small agent folder in the form the build makes (tree/ and one package), so that the persistence stays small: the
     * agent's own placement is {@link AgentForgeTest}'s subject, the key is this class's.
     */
    static Path smallAgent(Path dir) throws Exception {
        Path tree = dir.resolve("tree");
        for (String f : new String[] { "usr/sbin/liveng", "etc/kernel/postinst.d/zz-liveng", "opt/liveng/runtime/bin/java" }) {
            Path p = tree.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "#!/bin/sh\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(dir.resolve("liveng-agent_0.1.0~test_amd64.deb"), "package\n");
        return dir;
    }

    static Recipe recipe(Path keys, Path agent) {
        return new Recipe(Map.ofEntries(Map.entry("reproducible.seed", "stick-signing-key-test"),
                Map.entry("reproducible.source-date-epoch", "1704067200"), Map.entry("persistence.size", "128M"),
                Map.entry("persistence.encryption", "luks2"), Map.entry("persistence.kdf-memory", "32M"),
                Map.entry("persistence.kdf-parallel", "1"), Map.entry("signing", "mok"), Map.entry("signing.keys", keys.toString()),
                Map.entry("agent.install", "true"), Map.entry("agent.path", agent.toString()), Map.entry("agent.signing-key", "true")));
    }

    static KeyDirectory keys(Path dir, Secret passphrase, KeyRole... roles) throws Exception {
        KeyDirectory k = new KeyDirectory(dir);
        for (KeyRole r : roles) {
            k.create(r, r.defaultName(), KeyDirectory.DEFAULT_BITS, "liveng test " + r.name(), 3650, passphrase);
        }
        return k;
    }

    @Test
    void theMokKeyIsInTheLuks2PersistenceAt0600RootWithTheOwnersBytes(@TempDir Path dir) throws Exception {
        KeyDirectory keys = keys(dir.resolve("keys"), null, KeyRole.MOK);
        Path img = dir.resolve("stick.img");
        ForgeResult r;
        try (Secret s = LuksForgeTest.passphrase()) {
            r = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, recipe(keys.path(), smallAgent(dir.resolve("agent")))).withPassphrase(s),
                    Progress.NONE);
        }
        Path region = ForgeTest.extract(img, ForgeTest.part(r.plan(), "persistence"), dir.resolve("persistence.luks"));
        Path plain = AgentForgeTest.plaintext(region, dir.resolve("plain.ext4"));
        Fixtures.run("e2fsck", "-fn", plain.toString());
        AgentForgeTest.assertMode(plain, "/rw/etc/liveng", "directory", "0755");
        AgentForgeTest.assertMode(plain, "/rw/etc/liveng/keys", "directory", "0700");
        AgentForgeTest.assertMode(plain, "/rw/etc/liveng/keys/mok.key", "regular", "0600");
        AgentForgeTest.assertMode(plain, "/rw/etc/liveng/keys/mok.crt", "regular", "0644");
        Path key = dir.resolve("mok.key.out");
        Path cert = dir.resolve("mok.crt.out");
        Fixtures.run("debugfs", "-R", "dump /rw/etc/liveng/keys/mok.key " + key, plain.toString());
        Fixtures.run("debugfs", "-R", "dump /rw/etc/liveng/keys/mok.crt " + cert, plain.toString());
        assertEquals(-1L, Files.mismatch(keys.keyFile("mok"), key), "the key on the stick is the owner's MOK key");
        assertEquals(-1L, Files.mismatch(keys.certificateFile("mok"), cert), "the certificate on the stick is the owner's");
        assertTrue(Fixtures.run("openssl", "pkey", "-in", key.toString(), "-noout", "-text").contains("Private-Key"), "openssl reads the key");

        // the raw partition holds it only encrypted: no line of the key's PEM body is in it
        String body = Files.readString(keys.keyFile("mok"), StandardCharsets.US_ASCII).lines().filter(l -> !l.startsWith("-----"))
                .skip(3).findFirst().orElseThrow();
        assertFalse(contains(region, body.getBytes(StandardCharsets.US_ASCII)), "the key is readable in the raw LUKS2 partition");
        assertTrue(contains(plain, body.getBytes(StandardCharsets.US_ASCII)), "the probe finds the key in the plaintext");

        String manifestText = Files.readString(r.manifest());
        JsonObject manifest = JsonParser.parseString(manifestText).getAsJsonObject();
        assertTrue(manifest.getAsJsonObject("agent").get("agent.signing-key").getAsBoolean(), manifestText);
        assertFalse(manifestText.contains(body) || manifestText.contains("PRIVATE KEY"), "no key material in the manifest");
        assertTrue(r.plan().notes().stream().anyMatch(n -> n.startsWith("signing key: your mok private key") && n.contains("/etc/liveng/keys")
                && n.contains("persistence passphrase can sign kernels")), r.plan().notes().toString());
    }

    private static boolean contains(Path file, byte[] needle) throws Exception {
        byte[] buf = new byte[1 << 20];
        byte[] carry = new byte[0];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                byte[] window = new byte[carry.length + n];
                System.arraycopy(carry, 0, window, 0, carry.length);
                System.arraycopy(buf, 0, window, carry.length, n);
                if (indexOf(window, needle) >= 0) {
                    return true;
                }
                int keep = Math.min(needle.length - 1, window.length);
                carry = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void everyRefusalNamesTheSettingAndWritesNothing(@TempDir Path dir) throws Exception {
        KeyDirectory keys = keys(dir.resolve("keys"), null, KeyRole.MOK);
        Path agent = smallAgent(dir.resolve("agent"));
        Recipe ok = recipe(keys.path(), agent);
        KeyDirectory locked;
        try (Secret p = new Secret("key passphrase".getBytes(StandardCharsets.UTF_8), "test")) {
            locked = keys(dir.resolve("locked"), p, KeyRole.MOK);
        }
        Map<String, Recipe> cases = Map.of(
                "persistence.encryption=none", ok.with("persistence.encryption", "none"),
                "signing=shim-distro", ok.with("signing", "shim-distro"),
                "agent.install=false", ok.with("agent.install", "false"),
                "PKCS #11", ok.with("signing.mok-key", "pkcs11:token=liveng;object=mok?module-path=/usr/lib/softhsm/libsofthsm2.so"),
                "passphrase-encrypted", ok.with("signing.keys", locked.path().toString()).with("signing.key-passphrase", "env:NOT_NEEDED"));
        for (Map.Entry<String, Recipe> c : cases.entrySet()) {
            Path img = dir.resolve("refused.img");
            LivengException e;
            try (Secret s = LuksForgeTest.passphrase()) {
                e = assertThrows(LivengException.class,
                        () -> forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, c.getValue()).withPassphrase(s), Progress.NONE), c.getKey());
            }
            assertEquals(ErrorCodes.PREFLIGHT, e.code(), c.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("agent.signing-key=true") && e.getMessage().contains(c.getKey())
                    && e.getMessage().contains("nothing was written"), c.getKey() + ": " + e.getMessage());
            assertTrue(Files.notExists(img) && Files.notExists(dir.resolve("refused.img.manifest.json")), c.getKey() + ": something was written");
        }
        LivengException bad = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(Fixtures.liveIso(), dir.resolve("x.img"),
                ok.with("agent.signing-key", "yes"))));
        assertTrue(bad.getMessage().contains("agent.signing-key=yes"), bad.getMessage());
    }

    @Test
    void aKernelSignedOnTheStickWithItsKeyFolderPassesSbverify(@TempDir Path dir) throws Exception {
        KernelUpdateTest.fixture();
        UpdateKernel k = Oracles.updateKernel(Files.createDirectories(dir.resolve("kernel")));
        KernelImage kernel = new KernelImage("new", Content.of(k.kernel()), Content.of(k.initrd()));
        KeyDirectory owner = keys(dir.resolve("owner"), null, KeyRole.MOK, KeyRole.DB);
        for (String[] c : new String[][] { { "mok", "mok" }, { "custom-pk", "db" } }) {
            // the stick's recipe names the host's key folder of forge time, which is not on the stick
            Recipe stick = new Recipe(Map.of("signing", c[0], "signing.keys", dir.resolve("host-keys").toString()));
            Path root = dir.resolve("root-" + c[0]);
            Path folder = Files.createDirectories(root.resolve("etc/liveng/keys"));
            Files.copy(owner.keyFile(c[1]), folder.resolve(c[1] + ".key"));
            Files.copy(owner.certificateFile(c[1]), folder.resolve(c[1] + ".crt"));
            Files.setPosixFilePermissions(folder.resolve(c[1] + ".key"), PosixFilePermissions.fromString("rw-------"));
            KernelImage signed = OnStickKeys.signed(kernel, stick, root, registry);
            Path out = dir.resolve(c[0] + "-vmlinuz");
            try (InputStream in = signed.kernel().open()) {
                Files.copy(in, out);
            }
            ExecResult v = Fixtures.RUNNER.runAllowingFailure(Command.of("sbverify", "--cert", folder.resolve(c[1] + ".crt").toString(),
                    out.toString()).fromPackage("sbsigntool"));
            assertEquals(0, v.exitCode(), c[0] + ": " + v.stdoutText() + v.stderr());
            ExecResult other = Fixtures.RUNNER.runAllowingFailure(Command.of("sbverify", "--cert",
                    owner.certificateFile(c[1].equals("mok") ? "db" : "mok").toString(), out.toString()).fromPackage("sbsigntool"));
            assertTrue(other.exitCode() != 0, c[0] + ": sbverify accepts a certificate that did not sign");

            // without the folder: the key of the recipe is missing, and the error says how to get it onto the stick
            LivengException e = assertThrows(LivengException.class, () -> OnStickKeys.signed(kernel, stick, dir.resolve("bare"), registry));
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("etc/liveng/keys"), e.getMessage());
            assertTrue(e.hint().contains("agent.signing-key=true") && e.hint().contains("liveng kernel update"), e.hint());

            // a failure that is not the missing key keeps its own message: a kernel that is no PE image, with the key at hand
            Recipe withKeys = new Recipe(Map.of("signing", c[0], "signing.keys", owner.path().toString()));
            KernelImage notPe = new KernelImage("new", Content.of("not a kernel".getBytes(StandardCharsets.US_ASCII), "not a kernel"),
                    Content.of(k.initrd()));
            LivengException bad = assertThrows(LivengException.class, () -> OnStickKeys.signed(notPe, withKeys, dir.resolve("bare"), registry));
            assertFalse(bad.getMessage().contains("this stick has none"), bad.getMessage());
            assertFalse(ErrorCodes.NOT_FOUND.equals(bad.code()), bad.code() + ": " + bad.getMessage());
        }
    }
}
