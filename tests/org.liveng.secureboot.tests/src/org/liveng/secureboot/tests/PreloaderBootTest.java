package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;
import org.liveng.testing.boot.SecureBootKeys;
import org.liveng.verify.internal.ChainVerifier;
import org.liveng.verify.internal.Trust;
import org.liveng.verify.internal.VerifyReport;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The legacy {@code preloader} chain on OVMF with Secure Boot enforced, two boots: the firmware holds
 * only the owner's PK, KEK and db; PreLoader (built from Debian's efitools source) is signed with that
 * db key, standing in for the Linux Foundation's Microsoft-signed build; MokList holds what HashTool
 * would enrol at the machine, hashes forge lists in its manifest, written into the variable store
 * non-volatile and boot-services only, as HashTool writes it.
 * <ul>
 * <li>liveng-lock's, GRUB's and the kernel's hashes enrolled: PreLoader starts liveng-lock, which gives
 * GRUB the shim_lock protocol Debian's GRUB needs, and the kernel runs with Secure Boot enabled;</li>
 * <li>the kernel's hash not enrolled (what a tampered or newly installed kernel looks like to PreLoader):
 * liveng-lock refuses it through PreLoader's policy, GRUB refuses to start it, and no kernel runs.</li>
 * </ul>
 * In both, {@code verify} with the same db and MokList says what the firmware does.
 */
@ExtendWith(ServiceExtension.class)
class PreloaderBootTest {
    static final Duration TO_KERNEL = Duration.ofMinutes(8);
    /** What GRUB prints when every entry, the fallbacks included, failed. */
    static final Pattern GRUB_GAVE_UP = Pattern.compile("Failed to boot both default and fallback entries");
    static final Pattern LOCK_REFUSED = Pattern.compile("liveng-lock: image of \\d+ bytes refused");
    static final Pattern ENROL = Pattern.compile("\"signing\\.preloader\\.enrol-sha256\\.([^\"]+)\": \"([0-9a-f]{64})\"");

    @TempDir
    static Path tmp;
    static KeyDirectory keys;
    static Path img;
    /** What forge's manifest says to enrol: loader.efi, grubx64.efi and kernel-VERSION. */
    static Map<String, String> toEnrol;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void keys() throws Exception {
        keys = Sticks.keys(tmp.resolve("keys"));
    }

    /** The stick, forged once: PreLoader signed with the owner's db key. */
    void stick() throws Exception {
        if (img != null) {
            return;
        }
        Path preloader = Oracles.preloader();
        Path signed = tmp.resolve("PreLoader-db-signed.efi");
        Oracles.run(Command.of("sbsign", "--key", keys.keyFile("db").toString(), "--cert", keys.certificateFile("db").toString(),
                "--output", signed.toString(), preloader.toString()).fromPackage("sbsigntool"));
        Path image = tmp.resolve("preloader.img");
        Path manifest = tmp.resolve("preloader.manifest.json");
        forge.forge(ForgeRequest.of(Oracles.liveIso(), image, Sticks.recipe("preloader", keys, Map.of("signing.preloader", signed.toString(),
                "signing.hashtool", preloader.resolveSibling("HashTool.efi").toString()))).manifestAt(manifest), Progress.NONE);
        Map<String, String> hashes = new LinkedHashMap<>();
        Matcher m = ENROL.matcher(Files.readString(manifest, StandardCharsets.UTF_8));
        while (m.find()) {
            hashes.put(m.group(1), m.group(2));
        }
        assertEquals(Set.of("loader.efi", "grubx64.efi"), Set.copyOf(hashes.keySet().stream().filter(k -> !k.startsWith("kernel-")).toList()),
                hashes.toString());
        assertEquals(1, hashes.keySet().stream().filter(k -> k.startsWith("kernel-")).count(), hashes.toString());
        toEnrol = hashes;
        img = image;
    }

    /** The MokList HashTool would write after enrolling {@code names}. */
    static byte[] mokList(List<String> names) throws Exception {
        List<byte[]> h = names.stream().map(n -> HexFormat.of().parseHex(toEnrol.get(n))).toList();
        return EfiSignatureList.sha256(EfiGuid.of(SecureBootKeys.SHIM_LOCK.toString()), h).encode();
    }

    /** The firmware's variables: the owner's PK, KEK and db, and the given MokList. */
    static SecureBootKeys vars(String dir, byte[] mokList) throws Exception {
        return Sticks.enrolled(keys, tmp.resolve(dir), "db").withMokList(mokList);
    }

    static VerifyReport verify(byte[] mokList, String name) throws Exception {
        Path mok = Files.write(tmp.resolve(name + ".esl"), mokList);
        return ChainVerifier.verify(img, VerifyOracleTest.options(new Trust("own db", List.of(keys.certificate("db")), Set.of()), Trust.read(mok)));
    }

    static String name(TestInfo info) {
        return "PreloaderBootTest." + info.getTestMethod().map(m -> m.getName()).orElse("boot");
    }

    static Machine machine(SecureBootKeys vars) {
        return Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(vars, false).build();
    }

    @Test
    void everyEnrolledStageStartsAndTheKernelRunsWithSecureBoot(TestInfo info) throws Exception {
        stick();
        byte[] all = mokList(List.copyOf(toEnrol.keySet()));
        VerifyReport r = verify(all, "all");
        assertTrue(r.ok(), "verify: " + r.failures());
        try (Boot b = machine(vars("vars-all", all)).boot(name(info))) {
            int first = b.awaitAny(TO_KERNEL, Pattern.compile(Pattern.quote(Boot.KERNEL_SECURE_BOOT_ENABLED)), GRUB_GAVE_UP);
            System.out.println("preloader chain: " + (first == 0 ? "kernel with Secure Boot" : "GRUB gave up") + " after "
                    + Math.round(b.elapsedSeconds()) + " s");
            b.powerCut();
            assertEquals(0, first, "the kernel starts: " + b.tail(40));
            b.assertSecureBootEnforced();
            String console = b.consoleText();
            assertFalse(console.contains("Failed to start loader"), "PreLoader started liveng-lock by its enrolled hash: " + b.tail(40));
            assertTrue(console.contains("liveng-lock: shim_lock protocol installed"), b.tail(40));
            assertFalse(console.contains("shim_lock protocol not found"), b.tail(40));
            assertFalse(LOCK_REFUSED.matcher(console).find(), "the enrolled kernel was accepted: " + b.tail(40));
            assertTrue(console.contains("Linux version"), b.tail(40));
        }
    }

    @Test
    void aKernelWhoseHashIsNotEnrolledIsRefusedAndVerifySaysSo(TestInfo info) throws Exception {
        stick();
        String kernel = toEnrol.keySet().stream().filter(k -> k.startsWith("kernel-")).findFirst().orElseThrow();
        byte[] noKernel = mokList(List.of("loader.efi", "grubx64.efi"));
        VerifyReport r = verify(noKernel, "no-kernel");
        assertFalse(r.ok());
        assertTrue(r.failures().stream().allMatch(f -> f.contains("/live/vmlinuz") && f.contains("needs HashTool enrolment: its Authenticode SHA-256 "
                + toEnrol.get(kernel))), r.failures().toString());
        assertTrue(r.failures().stream().anyMatch(f -> f.startsWith("LIVENG_KERNEL_A:/live/vmlinuz")), r.failures().toString());
        try (Boot b = machine(vars("vars-no-kernel", noKernel)).boot(name(info))) {
            // GRUB tries slot A, then its fallbacks; the ISO's original kernel is the same bytes, refused the same way
            int first = b.awaitAny(TO_KERNEL, GRUB_GAVE_UP, Pattern.compile("Linux version"));
            System.out.println("preloader chain: " + (first == 0 ? "GRUB gave up" : "a kernel ran") + " after " + Math.round(b.elapsedSeconds()) + " s");
            b.powerCut();
            String console = b.consoleText();
            assertEquals(0, first, "no kernel may run: " + b.tail(40));
            assertTrue(console.contains("Loading liveng: original kernel"), "GRUB fell back to the ISO's original kernel: " + b.tail(40));
            assertTrue(LOCK_REFUSED.matcher(console).results().count() >= 2, "slot A's kernel and the ISO's, refused by liveng-lock: " + b.tail(40));
            assertTrue(console.contains("liveng-lock: shim_lock protocol installed"), b.tail(40));
            assertTrue(console.contains("bad shim signature"), "GRUB reports the refusal: " + b.tail(40));
            assertFalse(console.contains("Linux version"), "no kernel ran: " + b.tail(40));
        }
    }
}
