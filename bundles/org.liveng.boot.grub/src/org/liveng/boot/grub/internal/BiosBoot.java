package org.liveng.boot.grub.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * GRUB for BIOS on a GPT disk, as {@code grub-install} would set it up, but
 * for a disk that is being built: the boot sector ({@code boot.img}) goes into
 * the protective MBR's 440 bytes of boot code, and the core image
 * ({@code diskboot.img} + kernel + a few modules, made by {@code grub-mkimage})
 * into the BIOS boot partition. The core image carries a small configuration
 * that finds the ESP by its FAT serial and loads the menu and the remaining
 * modules from its {@code /boot/grub}.
 *
 * <p>Patched fields (GRUB's {@code include/grub/i386/pc/boot.h}):
 * <pre>
 * boot.img   0x5C  8  kernel sector: LBA of the core image's first sector (LE)
 *            0x66  2  drive check: NOPs (0x90 0x90), as grub-install does for hard disks
 * core.img   0x1F4 12 first block list entry of diskboot.img: start LBA (8, LE) of the
 *                     second sector, number of sectors (2, LE), load segment (2, kept: 0x820)
 * </pre>
 */
public final class BiosBoot {
    static final Path GRUB_I386_PC = Path.of("/usr/lib/grub/i386-pc");
    static final int SECTOR = 512;
    static final int BOOT_CODE = 440;
    static final int KERNEL_SECTOR = 0x5C;
    static final int DRIVE_CHECK = 0x66;
    static final int BLOCKLIST = SECTOR - 12;
    /** Modules in the core image: enough to find the ESP and read its files; the rest load from there. */
    static final List<String> CORE_MODULES = List.of("biosdisk", "part_gpt", "fat", "search", "search_fs_uuid", "configfile", "normal");

    private final ProcessRunner runner;

    public BiosBoot(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Where GRUB's i386-pc files are; an ENVIRONMENT error naming the package when absent. */
    public Path modulesDirectory() throws LivengException {
        if (!Files.isRegularFile(GRUB_I386_PC.resolve("boot.img")) || !Files.isRegularFile(GRUB_I386_PC.resolve("diskboot.img"))) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "GRUB for BIOS is not installed (" + GRUB_I386_PC + "/boot.img is missing)",
                    "install it: apt-get install grub-pc-bin, or forge without BIOS boot (--set boot.bios=false)");
        }
        return GRUB_I386_PC;
    }

    /** The core image (unpatched), built with the host's grub-mkimage. */
    public byte[] buildCore(String espUuid, Path work) throws LivengException {
        Path dir = modulesDirectory();
        Path cfg = work.resolve("core-embedded.cfg");
        Path out = work.resolve("core.img");
        try {
            Files.writeString(cfg, "search --no-floppy --fs-uuid --set=root " + espUuid + "\nset prefix=($root)/boot/grub\n",
                    StandardCharsets.US_ASCII);
            List<String> argv = new ArrayList<>(List.of("grub-mkimage", "--directory", dir.toString(), "--format", "i386-pc",
                    "--compression", "auto", "--prefix", "/boot/grub", "--config", cfg.toString(), "--output", out.toString()));
            argv.addAll(CORE_MODULES);
            runner.run(Command.of(argv).fromPackage("grub-common"));
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "building the GRUB core image in " + work + " failed: " + e.getMessage(), null, e);
        }
    }

    /** The 440 bytes of MBR boot code pointing at the core image at {@code coreLba}. */
    public byte[] bootCode(long coreLba) throws LivengException {
        byte[] boot;
        try {
            boot = Files.readAllBytes(modulesDirectory().resolve("boot.img"));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read GRUB's boot.img: " + e.getMessage(), null, e);
        }
        return patchBootSector(boot, coreLba);
    }

    static byte[] patchBootSector(byte[] bootImg, long coreLba) {
        if (bootImg.length != SECTOR) {
            throw new IllegalArgumentException("boot.img is " + bootImg.length + " bytes, expected 512");
        }
        ByteBuffer b = ByteBuffer.wrap(bootImg.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(KERNEL_SECTOR, coreLba);
        b.put(DRIVE_CHECK, (byte) 0x90);
        b.put(DRIVE_CHECK + 1, (byte) 0x90);
        byte[] code = new byte[BOOT_CODE];
        b.get(0, code);
        return code;
    }

    /** The core image with its block list pointing at its own sectors from {@code coreLba}; refuses when it does not fit. */
    static byte[] patchCore(byte[] core, long coreLba, long partitionSectors) throws LivengException {
        long sectors = (core.length + SECTOR - 1) / SECTOR;
        if (sectors > partitionSectors) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "the GRUB core image needs " + sectors + " sectors, the BIOS boot partition has "
                    + partitionSectors, "make the BIOS boot partition larger");
        }
        if (sectors - 1 > 0xFFFF) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "the GRUB core image is too large for one block list entry");
        }
        byte[] padded = new byte[(int) (sectors * SECTOR)];
        System.arraycopy(core, 0, padded, 0, core.length);
        ByteBuffer b = ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(BLOCKLIST, coreLba + 1);
        b.putShort(BLOCKLIST + 8, (short) (sectors - 1));
        return padded;
    }
}
