package org.liveng.api.recipe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one table of recipe settings. It drives the recipe parser, the help of
 * {@code forge}, the documentation table and the JSON dump; a round-trip test
 * keeps them honest. Each setting is declared here once.
 */
public final class RecipeSettings {
    public static final Setting DISTRO = new Setting("distro", SettingType.PROVIDER, "auto",
            "base distro provider (liveng.id); auto asks every installed one");
    public static final Setting SYSTEM_MODE = new Setting("system.mode", SettingType.STRING, "copy",
            "copy: the upstream ISO byte for byte in LIVENG_SYSTEM; remaster: a rebuilt ISO without boot equipment");
    public static final Setting IMAGE_SIZE = new Setting("image.size", SettingType.SIZE, "auto",
            "size of an image file; auto = everything plus persistence.size");
    public static final Setting SLOT_SIZE = new Setting("kernel.slot-size", SettingType.SIZE, "256M",
            "size of each kernel slot partition");
    public static final Setting KERNEL_STRATEGY = new Setting("kernel.strategy", SettingType.PROVIDER, "ab-slots",
            "kernel update strategy (liveng.id): ab-slots or second-partition");
    public static final Setting KERNEL_TRIES = new Setting("kernel.tries", SettingType.INTEGER, "3",
            "boot tries a newly installed kernel slot gets before the bootloader falls back (1-9)");
    public static final Setting ESP_SIZE = new Setting("esp.size", SettingType.SIZE, "64M",
            "size of the EFI System Partition (FAT32 needs at least 33M)");
    public static final Setting BOOTLOADER = new Setting("bootloader", SettingType.PROVIDER, "grub",
            "bootloader provider (liveng.id)");
    public static final Setting SIGNING = new Setting("signing", SettingType.PROVIDER, "shim-distro",
            "Secure Boot signing provider (liveng.id)");
    public static final Setting BIOS = new Setting("boot.bios", SettingType.BOOLEAN, "true",
            "also boot on BIOS machines (GRUB core image in a BIOS boot partition)");
    public static final Setting BOOT_TIMEOUT = new Setting("boot.timeout", SettingType.INTEGER, "5",
            "boot menu timeout in seconds");
    public static final Setting SERIAL = new Setting("boot.serial", SettingType.BOOLEAN, "false",
            "boot menu and kernel console also on the first serial port (ttyS0, 115200)");
    public static final Setting KERNEL_ARGS = new Setting("boot.kernel-args", SettingType.STRING, "",
            "extra kernel arguments for every live entry");
    public static final Setting PERSISTENCE_SIZE = new Setting("persistence.size", SettingType.SIZE, "1G",
            "size of the persistence partition; rest = the rest of a device");
    public static final Setting PERSISTENCE_ENCRYPTION = new Setting("persistence.encryption", SettingType.PROVIDER, "none",
            "persistence encryption provider (liveng.id): none, luks2, luks1, cryptsetup");
    public static final Setting PASSPHRASE = new Setting("persistence.passphrase", SettingType.SECRET_REF, "prompt",
            "where the passphrase comes from: prompt, file:PATH, env:NAME (never the passphrase itself)");
    public static final Setting SEED = new Setting("reproducible.seed", SettingType.STRING, "",
            "seed for every GUID, UUID and serial; empty = random (not reproducible)");
    public static final Setting SOURCE_DATE_EPOCH = new Setting("reproducible.source-date-epoch", SettingType.INTEGER, "",
            "timestamp for every date written; empty = $SOURCE_DATE_EPOCH or now");

    /** Every setting, in documentation order. */
    public static final List<Setting> ALL = List.of(DISTRO, SYSTEM_MODE, IMAGE_SIZE, SLOT_SIZE, KERNEL_STRATEGY, KERNEL_TRIES, ESP_SIZE,
            BOOTLOADER, SIGNING, BIOS, BOOT_TIMEOUT, SERIAL, KERNEL_ARGS, PERSISTENCE_SIZE, PERSISTENCE_ENCRYPTION,
            PASSPHRASE, SEED, SOURCE_DATE_EPOCH);

    private static final Map<String, Setting> BY_NAME = ALL.stream().collect(Collectors.toMap(Setting::name, Function.identity()));

    private RecipeSettings() {
    }

    public static Optional<Setting> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
