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
 * The legacy {@code preloader} chain on OVMF with Secure Boot enforced, one boot, to show on firmware
 * what {@code verify} says: the firmware holds only the owner's PK, KEK and db; PreLoader (built from
 * Debian's efitools source) is signed with that db key, standing in for the Linux Foundation's
 * Microsoft-signed build; MokList holds what HashTool would enrol at the machine, the hashes forge
 * lists in its manifest, written into the variable store non-volatile and boot-services only, as
 * HashTool writes it. PreLoader starts GRUB by its hash, and Debian's GRUB then refuses the kernel
 * because no shim verifier protocol is there, although the kernel's hash is enrolled. {@code verify}
 * with the same db and MokList fails on the kernel for that reason, and on nothing else.
 */
@ExtendWith(ServiceExtension.class)
class PreloaderBootTest {
    static final Duration TO_KERNEL = Duration.ofMinutes(8);
    /** What GRUB's verifier says when it must check a kernel and no shim protocol is there. */
    static final Pattern NO_SHIM_LOCK = Pattern.compile("shim_lock protocol not found");
    static final Pattern ENROL = Pattern.compile("\"signing\\.preloader\\.enrol-sha256\\.([^\"]+)\": \"([0-9a-f]{64})\"");

    @TempDir
    static Path tmp;
    static KeyDirectory keys;
    static Path img;
    /** What forge's manifest says to enrol: grubx64.efi and kernel-VERSION. */
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
        assertEquals(Set.of("loader.efi"), Set.copyOf(hashes.keySet().stream().filter(k -> !k.startsWith("kernel-")).toList()),
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
        Path d = Files.createDirectories(tmp.resolve(dir));
        Files.write(d.resolve("pk.esl"), keys.export("pk", "esl"));
        Files.write(d.resolve("kek.esl"), keys.export("kek", "esl"));
        Files.write(d.resolve("db.esl"), keys.export("db", "esl"));
        return SecureBootKeys.existing(d, keys.owner().uuid()).withMokList(mokList);
    }

    static VerifyReport verify(byte[] mokList, String name) throws Exception {
        Path mok = Files.write(tmp.resolve(name + ".esl"), mokList);
        return ChainVerifier.verify(img, VerifyOracleTest.options(new Trust("own db", List.of(keys.certificate("db")), Set.of()), Trust.read(mok)));
    }

    static String name(TestInfo info) {
        return "PreloaderBootTest." + info.getTestMethod().map(m -> m.getName()).orElse("boot");
    }

    @Test
    void grubStartsByItsEnrolledHashAndRefusesTheKernelForWantOfShimsVerifier(TestInfo info) throws Exception {
        stick();
        byte[] all = mokList(List.copyOf(toEnrol.keySet()));
        VerifyReport r = verify(all, "all");
        assertFalse(r.ok());
        assertTrue(r.failures().stream().allMatch(f -> f.contains("/live/vmlinuz") && f.contains("shim_lock")), r.failures().toString());
        assertTrue(r.failures().stream().anyMatch(f -> f.startsWith("LIVENG_KERNEL_A:/live/vmlinuz")), r.failures().toString());
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(vars("vars-all", all), false).build();
        try (Boot b = m.boot(name(info))) {
            String line = b.await(NO_SHIM_LOCK, TO_KERNEL);
            System.out.println("preloader chain: GRUB refused the kernel after " + Math.round(b.elapsedSeconds()) + " s: " + line);
            b.powerCut();
            // GRUB registers its shim verifier only when the firmware reports Secure Boot enabled: the refusal itself shows it
            String console = b.consoleText();
            assertFalse(console.contains("Failed to start loader"), "PreLoader started GRUB by its enrolled hash: " + b.tail(40));
            assertFalse(console.contains("Linux version"), "no kernel ran: " + b.tail(40));
        }
    }
}
