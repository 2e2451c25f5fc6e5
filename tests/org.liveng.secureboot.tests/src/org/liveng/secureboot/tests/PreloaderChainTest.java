package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.LivengException;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;
import org.liveng.verify.internal.ChainVerifier;
import org.liveng.verify.internal.Trust;
import org.liveng.verify.internal.VerifyCommand;
import org.liveng.verify.internal.VerifyReport;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The legacy {@code preloader} chain with the genuine PreLoader.efi and HashTool.efi built from Debian's efitools source
 * (tests/fixtures/preloader): the ESP layout as PreLoader expects it (fsck.fat, mtools), the inputs byte for byte,
 * liveng-lock between PreLoader and GRUB,
 * the hashes to enrol as efitools' hash-to-efi-sig-list and osslsigncode compute them, verify's verdicts, and bad
 * inputs refused before anything is written.
 */
@ExtendWith(ServiceExtension.class)
class PreloaderChainTest {
    @TempDir
    static Path tmp;
    static KeyDirectory keys;
    static Path preloader;
    static Path hashtool;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void inputs() throws Exception {
        keys = Sticks.keys(tmp.resolve("keys"));
        preloader = Oracles.preloader();
        hashtool = preloader.resolveSibling("HashTool.efi");
    }

    static Recipe recipe(Path pre, Path hash) {
        return Sticks.recipe("preloader", keys, Map.of("signing.preloader", pre.toString(), "signing.hashtool", hash.toString()));
    }

    /** The SHA-256 an EFI signature list made by efitools' hash-to-efi-sig-list holds (its last 32 bytes). */
    static String efitoolsHash(Path binary) throws Exception {
        Path esl = tmp.resolve(binary.getFileName() + ".hash.esl");
        Oracles.run(Command.of("hash-to-efi-sig-list", binary.toString(), esl.toString()).fromPackage("efitools"));
        byte[] b = Files.readAllBytes(esl);
        assertEquals(28 + 16 + 32, b.length, "one SHA-256 entry");
        return HexFormat.of().formatHex(Arrays.copyOfRange(b, b.length - 32, b.length));
    }

    /** The Authenticode SHA-256 of a signed binary as osslsigncode calculates it. */
    static String osslsigncodeHash(Path binary) {
        String out = Sticks.osslsigncode(keys.certificateFile("db"), binary).stdoutText();
        Matcher m = Pattern.compile("Calculated message digest : ([0-9A-F]{64})").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** sbverify --list, what it prints on both streams. */
    static String sbverifyList(Path binary) {
        var r = Oracles.run(Command.of("sbverify", "--list", binary.toString()).fromPackage("sbsigntool"));
        return r.stdoutText() + r.stderr();
    }

    static VerifyReport.Binary at(VerifyReport r, String pathPart) {
        return VerifyOracleTest.at(r, pathPart);
    }

    @Test
    void forgesThePreloaderLayoutWithTheHashesToEnrolAndVerifyReportsThem() throws Exception {
        Path img = tmp.resolve("preloader.img");
        Path manifest = tmp.resolve("preloader.manifest.json");
        ForgeResult result = forge.forge(ForgeRequest.of(Oracles.liveIso(), img, recipe(preloader, hashtool)).manifestAt(manifest),
                Progress.NONE);
        ImagePlan plan = result.plan();
        assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("warning: signing=preloader is legacy") && n.contains("every kernel update")),
                plan.notes().toString());
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains(preloader + " has no signature")), plan.notes().toString());

        // the ESP: a clean FAT for dosfstools, the files where PreLoader looks for them
        PartitionPlan esp = Sticks.part(plan, "LIVENG_EFI");
        Path espImage = tmp.resolve("preloader-esp.img");
        Oracles.run(Command.of("dd", "if=" + img, "of=" + espImage, "bs=512", "skip=" + esp.firstLba(),
                "count=" + (esp.lastLba() - esp.firstLba() + 1), "status=none"));
        Oracles.run(Command.of("fsck.fat", "-n", espImage.toString()).fromPackage("dosfstools"));
        String listing = Oracles.run(Command.of("mdir", "-/", "-b", "-i", espImage.toString(), "::/").fromPackage("mtools")).stdoutText();
        for (String f : List.of("::/EFI/BOOT/BOOTX64.EFI", "::/EFI/BOOT/HashTool.efi", "::/EFI/BOOT/loader.efi", "::/EFI/BOOT/grubx64.efi",
                "::/EFI/liveng/grub.cfg", "::/EFI/liveng/README-PRELOADER.txt")) {
            assertTrue(listing.lines().anyMatch(l -> l.equalsIgnoreCase(f)), f + " in\n" + listing);
        }
        Path boot = Sticks.espFile(img, plan, "/EFI/BOOT/BOOTX64.EFI", tmp.resolve("boot.efi"));
        Path tool = Sticks.espFile(img, plan, "/EFI/BOOT/HashTool.efi", tmp.resolve("hashtool.efi"));
        Path loader = Sticks.espFile(img, plan, "/EFI/BOOT/loader.efi", tmp.resolve("loader.efi"));
        Path grub = Sticks.espFile(img, plan, "/EFI/BOOT/grubx64.efi", tmp.resolve("grubx64.efi"));
        assertEquals(-1, Files.mismatch(boot, preloader), "BOOTX64.EFI is the given PreLoader byte for byte");
        assertEquals(-1, Files.mismatch(tool, hashtool), "HashTool.efi is the given HashTool byte for byte");
        for (Path f : List.of(boot, tool, loader, grub)) {
            String list = sbverifyList(f);
            assertTrue(list.contains("No signature table present"), "unsigned, as the inputs and the mok GRUB before signing: " + list);
        }
        Oracles.run(Command.of("grub-file", "--is-x86_64-efi", grub.toString()).fromPackage("grub-common"));
        // loader.efi is liveng-lock: an x86-64 EFI application (objdump's PE reader), with the marker verify recognises
        String head = Oracles.run(Command.of("objdump", "-f", loader.toString()).fromPackage("binutils")).stdoutText();
        assertTrue(head.contains("pei-x86-64"), head);
        assertTrue(new String(Files.readAllBytes(loader), StandardCharsets.ISO_8859_1).contains("LIVENG-LOCK/1"), "liveng-lock's marker");

        // the hashes to enrol, against two independent tools
        String loaderHash = efitoolsHash(loader);
        String grubHash = efitoolsHash(grub);
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("preloader-vmlinuz"));
        String kernelHash = osslsigncodeHash(kernel);
        String readme = Files.readString(Sticks.espFile(img, plan, "/EFI/liveng/README-PRELOADER.txt", tmp.resolve("readme.txt")),
                StandardCharsets.UTF_8);
        assertTrue(readme.contains("loader.efi: " + loaderHash), readme);
        assertTrue(readme.contains("grubx64.efi: " + grubHash), readme);
        Matcher kl = Pattern.compile("kernel (\\S+): ([0-9a-f]{64})").matcher(readme);
        assertTrue(kl.find(), readme);
        assertEquals(kernelHash, kl.group(2), readme);
        assertTrue(readme.contains("LEGACY") && readme.contains("HashTool"), readme);
        // efitools hashes as if the size were rounded up to 8 bytes: these sizes are aligned, so no caveat is printed
        assertEquals(0, Files.size(loader) % 8);
        assertEquals(0, Files.size(grub) % 8);
        assertEquals(0, Files.size(kernel) % 8);
        assertFalse(readme.contains("not a multiple of 8"), readme);
        Path copy = Sticks.espFile(img, plan, "/EFI/liveng/enrol/vmlinuz-" + kl.group(1) + ".efi", tmp.resolve("enrol-copy.efi"));
        assertEquals(-1, Files.mismatch(copy, kernel), "the ESP copy for HashTool is the slot's kernel");
        String json = Files.readString(manifest, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"signing.preloader.enrol-sha256.loader.efi\": \"" + loaderHash + "\""), json);
        assertTrue(json.contains("\"signing.preloader.enrol-sha256.grubx64.efi\": \"" + grubHash + "\""), json);
        assertTrue(json.contains("\"signing.preloader.enrol-sha256.kernel-" + kl.group(1) + "\": \"" + kernelHash + "\""), json);

        // verify: nothing enrolled, Microsoft's db -> PreLoader (unsigned) fails, the rest needs HashTool enrolment
        VerifyReport none = ChainVerifier.verify(img, VerifyOracleTest.options(Trust.microsoft(), Trust.empty("none")));
        assertFalse(none.ok());
        assertFalse(at(none, "BOOTX64.EFI").ok(), none.toString());
        VerifyReport.Binary l = at(none, "ESP:/EFI/BOOT/loader.efi");
        assertEquals(loaderHash, l.sha256());
        assertTrue(l.problems().stream().anyMatch(p -> p.startsWith("needs HashTool enrolment") && p.contains(loaderHash)), l.toString());
        VerifyReport.Binary g = at(none, "ESP:/EFI/BOOT/grubx64.efi");
        assertEquals(grubHash, g.sha256());
        assertTrue(g.problems().stream().anyMatch(p -> p.startsWith("needs HashTool enrolment") && p.contains(grubHash)), g.toString());
        VerifyReport.Binary k = at(none, "LIVENG_KERNEL_A:/live/vmlinuz");
        assertEquals(kernelHash, k.sha256());
        assertTrue(k.problems().stream().anyMatch(p -> p.startsWith("needs HashTool enrolment")), k.toString());

        // PreLoader's hash in db, liveng-lock's, GRUB's and the kernel's in MokList (as HashTool would enrol them). PreLoader's db hash is
        // the firmware's (exact file size, as EDK2 hashes); efitools pads images to 8 bytes first, and this PreLoader's
        // size is not a multiple of 8, so hash-to-efi-sig-list is no judge for it
        Path db = Files.write(tmp.resolve("pl-db.esl"), EfiSignatureList.sha256(EfiGuid.of("11111111-2222-3333-4444-555555555555"),
                List.of(HexFormat.of().parseHex(at(none, "BOOTX64.EFI").sha256()))).encode());
        Path mok = Files.write(tmp.resolve("pl-moklist.esl"), EfiSignatureList.sha256(EfiGuid.of("11111111-2222-3333-4444-555555555555"),
                List.of(HexFormat.of().parseHex(loaderHash), HexFormat.of().parseHex(grubHash), HexFormat.of().parseHex(kernelHash))).encode());
        VerifyReport enrolled = ChainVerifier.verify(img, VerifyOracleTest.options(Trust.read(db), Trust.read(mok)));
        assertTrue(at(enrolled, "BOOTX64.EFI").ok(), enrolled.toString());
        for (String f : List.of("ESP:/EFI/BOOT/loader.efi", "ESP:/EFI/BOOT/grubx64.efi", "LIVENG_KERNEL_A:/live/vmlinuz")) {
            assertTrue(at(enrolled, f).ok(), f + ": " + enrolled);
            assertTrue(at(enrolled, f).trustedVia().contains("MokList"), f + ": " + enrolled);
        }
        assertTrue(at(enrolled, "LIVENG_KERNEL_A:/live/vmlinuz").verifiedBy().contains("liveng-lock"), enrolled.toString());
        assertTrue(enrolled.ok(), "every stage enrolled: " + enrolled.failures());

        // the command, with the kernel not enrolled: JSON naming what to enrol, and exit status 1
        mok = Files.write(tmp.resolve("pl-moklist-no-kernel.esl"), EfiSignatureList.sha256(EfiGuid.of("11111111-2222-3333-4444-555555555555"),
                List.of(HexFormat.of().parseHex(loaderHash), HexFormat.of().parseHex(grubHash))).encode());
        Map<String, Object> vars = new java.util.HashMap<>();
        org.apache.felix.service.command.CommandSession session = (org.apache.felix.service.command.CommandSession) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] { org.apache.felix.service.command.CommandSession.class },
                        (proxy, method, args) -> method.getName().equals("put") ? vars.put((String) args[0], args[1]) : null);
        String out = (String) new VerifyCommand().verify(session, db.toString(), mok.toString(), "", "", "", true, img.toString());
        assertTrue(out.contains("\"sha256\": \"" + loaderHash + "\""), out);
        assertTrue(out.contains("needs HashTool enrolment: its Authenticode SHA-256 " + kernelHash), out);
        assertEquals(1, vars.get("liveng.exit"), "exit status 1: " + vars);
    }

    @Test
    void aPreloaderSignedWithTheOwnDbChainsToItWithoutTheUnsignedWarning() throws Exception {
        Path signed = tmp.resolve("PreLoader-db-signed.efi");
        Oracles.run(Command.of("sbsign", "--key", keys.keyFile("db").toString(), "--cert", keys.certificateFile("db").toString(),
                "--output", signed.toString(), preloader.toString()).fromPackage("sbsigntool"));
        Path img = tmp.resolve("preloader-signed.img");
        ImagePlan plan = Sticks.forge(forge, recipe(signed, hashtool), img);
        assertFalse(plan.notes().stream().anyMatch(n -> n.contains("has no signature")), plan.notes().toString());
        Path boot = Sticks.espFile(img, plan, "/EFI/BOOT/BOOTX64.EFI", tmp.resolve("signed-boot.efi"));
        assertEquals(-1, Files.mismatch(boot, signed));
        assertTrue(sbverifyList(boot).contains("liveng test DB"), sbverifyList(boot));
        assertEquals(0, Sticks.sbverify(keys.certificateFile("db"), boot).exitCode());
        VerifyReport r = ChainVerifier.verify(img, VerifyOracleTest.options(new Trust("own db", List.of(keys.certificate("db")), java.util.Set.of()), Trust.empty("none")));
        assertTrue(at(r, "BOOTX64.EFI").ok(), r.toString());
        assertTrue(at(r, "BOOTX64.EFI").signers().stream().anyMatch(s -> s.contains("liveng test")), r.toString());
        assertTrue(at(r, "BOOTX64.EFI").trustedVia().contains("liveng test"), r.toString());
        assertFalse(at(r, "ESP:/EFI/BOOT/loader.efi").ok(), "liveng-lock is not enrolled yet: " + r);
    }

    @Test
    void badInputsAreRefusedNamingTheFileAndNothingIsWritten() throws Exception {
        Path text = Files.writeString(tmp.resolve("not-efi.efi"), "this is not an EFI application\n");
        byte[] driver = Files.readAllBytes(hashtool);
        int pe = java.nio.ByteBuffer.wrap(driver).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0x3c);
        driver[pe + 24 + 68] = 11; // subsystem: EFI boot service driver
        Path drv = Files.write(tmp.resolve("driver.efi"), driver);
        Path missing = tmp.resolve("no-such-PreLoader.efi");
        Map<String, Recipe> cases = Map.of(
                missing + ": no such file", recipe(missing, hashtool),
                text + " is not a PE/COFF EFI binary", recipe(text, hashtool),
                drv + " is not a PE32+ x86-64 EFI application", recipe(drv, hashtool),
                "signing.preloader=" + hashtool + " is HashTool", recipe(hashtool, hashtool),
                "signing.hashtool=" + preloader + " is PreLoader", recipe(preloader, preloader),
                "signing.hashtool is not set", Sticks.recipe("preloader", keys, Map.of("signing.preloader", preloader.toString())));
        int i = 0;
        for (Map.Entry<String, Recipe> c : cases.entrySet()) {
            Path img = tmp.resolve("refused-" + i++ + ".img");
            LivengException e = assertThrows(LivengException.class,
                    () -> forge.forge(ForgeRequest.of(Oracles.liveIso(), img, c.getValue()), Progress.NONE));
            assertTrue(e.getMessage().contains(c.getKey()), c.getKey() + " in: " + e.getMessage());
            assertFalse(Files.exists(img), "nothing written for " + c.getKey());
        }
    }
}
