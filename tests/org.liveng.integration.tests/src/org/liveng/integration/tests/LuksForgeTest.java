package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.Support;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.format.luks1.Luks1Container;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Luks2Container;
import org.liveng.format.luks2.Unlocked;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Encrypted persistence forged from the genuine Debian live ISO, judged by
 * cryptsetup (luksDump, open --test-passphrase with a right and a wrong
 * passphrase), e2fsck and debugfs on the plaintext that our reader decrypts,
 * and the sparse image's own extents (holes untouched). KDF costs are small
 * (set through the recipe) so the tests stay quick.
 */
@ExtendWith(ServiceExtension.class)
class LuksForgeTest {
    static final byte[] PASSPHRASE = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
    static final Recipe CHEAP = new Recipe(Map.of("reproducible.seed", "luks-forge-test", "reproducible.source-date-epoch", "1704067200",
            "persistence.size", "96M", "persistence.kdf-memory", "32M", "persistence.kdf-parallel", "1",
            "persistence.kdf-iterations", "1000"));
    static Path iso;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    NativeCalls posix;

    @InjectService(timeout = 5000, filter = "(liveng.id=luks2)")
    PersistenceEncryption luks2;

    @BeforeAll
    static void fixture() throws LivengException {
        iso = Fixtures.liveIso();
    }

    static Secret passphrase() {
        return new Secret(PASSPHRASE.clone(), "test");
    }

    @ParameterizedTest(name = "{0} with {1}-byte sectors")
    @CsvSource({ "luks2,4096,2", "luks2,512,2", "luks1,512,1", "cryptsetup,4096,2" })
    void cryptsetupAcceptsTheContainerAndThePlaintextIsTheFilesystem(String provider, int sector, int version, @TempDir Path dir)
            throws Exception {
        Path img = dir.resolve("stick.img");
        Recipe recipe = CHEAP.with("persistence.encryption", provider).with("persistence.sector-size", Integer.toString(sector));
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, recipe).withPassphrase(passphrase()), Progress.NONE);
        PartitionPlan part = ForgeTest.part(r.plan(), "persistence");
        JsonObject manifest = JsonParser.parseString(Files.readString(r.manifest())).getAsJsonObject().getAsJsonObject("persistence");
        assertEquals(version == 2 ? "luks2" : "luks1", manifest.get("format").getAsString(), manifest.toString());
        assertFalse(manifest.toString().contains("correct horse"), "no secret in the manifest");

        // cryptsetup reads the header as we meant it
        Path region = ForgeTest.extract(img, part, dir.resolve("persistence.luks"));
        String dump = Fixtures.run("cryptsetup", "luksDump", region.toString());
        assertTrue(dump.contains("Version:       \t" + version), dump);
        assertTrue(dump.contains("UUID:          \t" + manifest.get("uuid").getAsString()), dump);
        if (version == 2) {
            assertTrue(dump.contains("cipher: aes-xts-plain64") && dump.contains("sector: " + sector + " [bytes]"), dump);
            assertTrue(dump.contains("PBKDF:      argon2id") && dump.contains("Memory:     32768") && dump.contains("Threads:    1"), dump);
            assertEquals("32768", manifest.get("kdf-memory-kib").getAsString());
        } else {
            assertTrue(dump.contains("Cipher name:   \taes") && dump.contains("Cipher mode:   \txts-plain64"), dump);
            assertTrue(dump.contains("Hash spec:     \tsha256")
                    && dump.matches("(?s).*Key Slot 0: ENABLED\\s+Iterations:\\s+1000\\s.*"), dump);
        }

        // the right passphrase opens it, a wrong one is refused (key files of mode 0600)
        Path key = keyFile(dir.resolve("key"), PASSPHRASE);
        assertEquals(0, testPassphrase(region, key).exitCode(), "cryptsetup accepts the passphrase");
        Path wrong = keyFile(dir.resolve("wrong"), "correct horse battery stapler".getBytes(StandardCharsets.US_ASCII));
        ExecResult refused = testPassphrase(region, wrong);
        assertEquals(2, refused.exitCode(), "cryptsetup: no key available with this passphrase: " + refused.stderr());

        // our reader decrypts the data segment: a clean ext4 labelled persistence holding persistence.conf
        Path plain = dir.resolve("plain.ext4");
        try (FileChannel ch = FileChannel.open(region, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(plain, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ContainerRegion c = ContainerRegion.whole(ch);
            if (version == 2) {
                Luks2Container l = Luks2Container.open(c);
                try (Unlocked u = l.unlock(passphrase()); CryptChannel data = l.openData(u.key())) {
                    copy(data, out);
                }
            } else {
                Luks1Container l = Luks1Container.open(c);
                try (Unlocked u = l.unlock(passphrase()); CryptChannel data = l.openData(u.key())) {
                    copy(data, out);
                }
            }
        }
        Fixtures.run("e2fsck", "-fn", plain.toString());
        assertEquals("persistence", Fixtures.run("blkid", "-p", "-o", "value", "-s", "LABEL", plain.toString()).strip());
        assertEquals("/ union\n", Fixtures.run("debugfs", "-R", "cat /persistence.conf", plain.toString()));

        // only the plaintext's allocated extents were encrypted: the data segment of the sparse image holds no more than that
        long dataStart = part.firstLba() * 512 + Long.parseLong(manifest.get("data-offset").getAsString());
        long partEnd = (part.lastLba() + 1) * 512;
        long allocated = 0;
        for (long[] x : posix.dataRanges(img)) {
            allocated += Math.max(0, Math.min(x[1], partEnd) - Math.max(x[0], dataStart));
        }
        long written = Long.parseLong(manifest.get("written-bytes").getAsString());
        long plainAllocated = Long.parseLong(manifest.get("allocated-bytes").getAsString());
        assertTrue(written >= plainAllocated && written <= plainAllocated + 64L * sector, "written " + written + " vs allocated " + plainAllocated);
        assertTrue(allocated <= written, "the image holds " + allocated + " bytes of data segment, forge wrote " + written);
        assertTrue(written < (partEnd - dataStart) / 4, "a fraction of the " + (partEnd - dataStart) + "-byte segment: " + written);
    }

    @Test
    void anInitrdWithoutCryptsetupIsRefusedWithTheFix() {
        InitrdInfo noCrypt = new InitrdInfo(1, List.of("zstd"), 1, true, "", false, true, "6.1.0-50-cloud-amd64", false);
        Support s = luks2.supports(CHEAP, noCrypt);
        assertFalse(s.supported());
        String why = String.join(" ", s.reasons());
        assertTrue(why.contains("cryptsetup missing") && why.contains("silently WITHOUT persistence"), why);
        assertTrue(why.contains("initrd.add-cryptsetup=true"), why);
    }

    @Test
    void argon2MemoryAboveWhatTheSmallestMachineCanSpendIsRefusedBeforeWriting(@TempDir Path dir) {
        Path img = dir.resolve("never.img");
        Recipe greedy = CHEAP.with("persistence.min-ram", "512M").with("persistence.kdf-memory", "256M");
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, img, greedy).withPassphrase(passphrase()), Progress.NONE));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("persistence.kdf-memory=256M") && e.getMessage().contains("at most a quarter, 128 MiB"),
                e.getMessage());
        assertFalse(Files.exists(img));
        e = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(iso, img, CHEAP.with("persistence.encryption", "luks1")
                .with("persistence.kdf", "argon2id"))));
        assertTrue(e.getMessage().contains("does not exist in LUKS1"), e.getMessage());
    }

    @Test
    void theDefaultFitsArgon2ToMinRamAndRecordsIt(@TempDir Path dir) throws Exception {
        // persistence.min-ram=256M: Argon2 memory 64 MiB, time 4, parallel 1 (set), recorded in the manifest
        Recipe r = new Recipe(Map.of("reproducible.seed", "luks-default", "persistence.size", "64M", "persistence.min-ram", "256M",
                "persistence.kdf-parallel", "1"));
        ForgeResult f = forge.forge(ForgeRequest.of(iso, dir.resolve("d.img"), r).withPassphrase(passphrase()), Progress.NONE);
        JsonObject m = JsonParser.parseString(Files.readString(f.manifest())).getAsJsonObject().getAsJsonObject("persistence");
        assertEquals("luks2", m.get("format").getAsString());
        assertEquals("argon2id", m.get("kdf").getAsString());
        assertEquals("65536", m.get("kdf-memory-kib").getAsString());
        assertEquals("4", m.get("kdf-time").getAsString());
        assertEquals("4096", m.get("sector-size").getAsString());
        assertEquals(Long.toString(256L << 20), m.get("min-ram").getAsString());
    }

    @Test
    void withoutAPassphraseForgeRefusesAndWritesNothing(@TempDir Path dir) {
        Path img = dir.resolve("never.img");
        LivengException e = assertThrows(LivengException.class, () -> forge.forge(ForgeRequest.of(iso, img, CHEAP), Progress.NONE));
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("needs a passphrase"), e.getMessage());
        assertTrue(e.hint().contains("--passphrase-file") && e.hint().contains("--passphrase-stdin"), e.hint());
        assertFalse(Files.exists(img));
    }

    static Path keyFile(Path p, byte[] content) throws Exception {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.write(p, content);
    }

    static ExecResult testPassphrase(Path region, Path key) throws LivengException {
        return Fixtures.RUNNER.runAllowingFailure(Command.of("cryptsetup", "open", "--test-passphrase", "--key-file", key.toString(),
                region.toString()));
    }

    static void copy(CryptChannel data, FileChannel out) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        data.position(0);
        while (data.read(buf.clear()) > 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        }
    }
}
