package org.liveng.secureboot.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.liveng.api.keys.KeyRole;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;
import org.liveng.testing.boot.SecureBootKeys;

/** Own keys made by liveng's key folder, sticks forged with them, and ways to read files out of a stick with real tools. */
final class Sticks {
    static final String EPOCH = "1704067200";
    /** {@link #EPOCH} as efitools' sign-efi-sig-list -t takes it. */
    static final String EPOCH_TEXT = "2024-01-01 00:00:00";

    private Sticks() {
    }

    /** PK, KEK, db and MOK in a fresh key folder. */
    static KeyDirectory keys(Path dir) throws Exception {
        KeyDirectory k = new KeyDirectory(dir);
        for (KeyRole r : KeyRole.values()) {
            k.create(r, r.defaultName(), KeyDirectory.DEFAULT_BITS, "liveng test " + r.name(), 3650, null);
        }
        return k;
    }

    /** A variable store with the owner's PK and KEK and the certificate of key {@code dbKey} as db, written into {@code dir}. */
    static SecureBootKeys enrolled(KeyDirectory keys, Path dir, String dbKey) throws Exception {
        Path d = Files.createDirectories(dir);
        Files.write(d.resolve("pk.esl"), keys.export("pk", "esl"));
        Files.write(d.resolve("kek.esl"), keys.export("kek", "esl"));
        Files.write(d.resolve("db.esl"), keys.export(dbKey, "esl"));
        return SecureBootKeys.existing(d, keys.owner().uuid());
    }

    static Recipe recipe(String signing, KeyDirectory keys, Map<String, String> more) {
        Map<String, String> m = new HashMap<>(Map.of("signing", signing, "signing.keys", keys.path().toString(),
                "reproducible.seed", "secureboot-" + signing, "reproducible.source-date-epoch", EPOCH, "persistence.size", "64M",
                "boot.serial", "true", "boot.timeout", "1"));
        m.put("persistence.encryption", "none"); // these tests are about the boot chain
        m.putAll(more);
        return new Recipe(m);
    }

    static ImagePlan forge(ImageForge forge, Recipe recipe, Path img) throws Exception {
        return forge.forge(ForgeRequest.of(Oracles.liveIso(), img, recipe), Progress.NONE).plan();
    }

    static PartitionPlan part(ImagePlan plan, String name) {
        return plan.partitions().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** A file of the stick's ESP, copied out by mtools. */
    static Path espFile(Path img, ImagePlan plan, String path, Path out) {
        Oracles.run(Command.of("mcopy", "-n", "-i", img + "@@" + part(plan, "LIVENG_EFI").firstLba() * 512, "::" + path, out.toString())
                .fromPackage("mtools"));
        return out;
    }

    /** Replaces a file of the stick's ESP (mtools). */
    static void putEspFile(Path img, ImagePlan plan, Path file, String path) {
        Oracles.run(Command.of("mcopy", "-o", "-i", img + "@@" + part(plan, "LIVENG_EFI").firstLba() * 512, file.toString(), "::" + path)
                .fromPackage("mtools"));
    }

    /** A file of a kernel slot (ISO 9660), copied out by xorriso. */
    static Path slotFile(Path img, ImagePlan plan, String slot, String path, Path out) throws Exception {
        PartitionPlan p = part(plan, slot);
        Path iso = out.resolveSibling(slot + ".iso");
        Files.deleteIfExists(iso);
        Oracles.run(Command.of("dd", "if=" + img, "of=" + iso, "bs=512", "skip=" + p.firstLba(), "count=" + (p.lastLba() - p.firstLba() + 1),
                "status=none"));
        Oracles.run(Command.of("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", path, out.toString())
                .fromPackage("xorriso").timeout(Duration.ofMinutes(2)));
        Files.delete(iso);
        return out;
    }

    static ExecResult sbverify(Path cert, Path binary) {
        return Oracles.runAllowingFailure(Command.of("sbverify", "--cert", cert.toString(), binary.toString()).fromPackage("sbsigntool"));
    }

    static String signers(Path binary) {
        return Oracles.run(Command.of("sbverify", "--list", binary.toString()).fromPackage("sbsigntool")).stdoutText();
    }

    static ExecResult osslsigncode(Path caFile, Path binary) {
        return Oracles.runAllowingFailure(Command.of("osslsigncode", "verify", "-CAfile", caFile.toString(), "-in", binary.toString())
                .fromPackage("osslsigncode"));
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }

    /** Changes 64 bytes in the middle of a slot's file, found by xorriso's report of its blocks. */
    static void tamperSlotFile(Path img, ImagePlan plan, String slot, String path, Path work) throws Exception {
        org.liveng.testing.boot.DiskImages.tamperIsoFile(img, part(plan, slot), path, work);
    }

    /** Changes 64 bytes in the middle of an ESP file (copied out and back with mtools). */
    static void tamperEspFile(Path img, ImagePlan plan, String path, Path work) throws Exception {
        Path f = espFile(img, plan, path, work.resolve("tamper-" + Path.of(path).getFileName()));
        org.liveng.testing.boot.DiskImages.flipBytes(f, Files.size(f) / 2, 64);
        putEspFile(img, plan, f, path);
        Files.delete(f);
    }
}
