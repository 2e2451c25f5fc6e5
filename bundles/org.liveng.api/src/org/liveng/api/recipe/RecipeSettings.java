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
            "Secure Boot signing provider (liveng.id): shim-distro, mok, custom-pk, preloader (legacy)");
    public static final Setting SIGNING_KEYS = new Setting("signing.keys", SettingType.PATH, "",
            "mok, custom-pk: key folder made by 'liveng keys create' (pk, kek, db, mok); empty = ~/.config/liveng/keys");
    public static final Setting SIGNING_DB_KEY = new Setting("signing.db-key", SettingType.SECRET_REF, "",
            "custom-pk: the db private key, file:PATH or pkcs11:URI; empty = db of signing.keys");
    public static final Setting SIGNING_MOK_KEY = new Setting("signing.mok-key", SettingType.SECRET_REF, "",
            "mok: the MOK private key, file:PATH or pkcs11:URI; empty = mok of signing.keys");
    public static final Setting SIGNING_KEY_PASSPHRASE = new Setting("signing.key-passphrase", SettingType.SECRET_REF, "none",
            "passphrase of encrypted key files, or the token PIN: none, prompt, stdin, file:PATH, env:NAME");
    public static final Setting SIGNING_MICROSOFT_DB = new Setting("signing.microsoft-db", SettingType.BOOLEAN, "true",
            "custom-pk: keep Microsoft's UEFI CA certificates in db (option ROMs, other systems); false can brick machines");
    public static final Setting SIGNING_PRELOADER = new Setting("signing.preloader", SettingType.PATH, "",
            "preloader (legacy): PreLoader.efi supplied by the user (not packaged), placed as EFI/BOOT/BOOTX64.EFI");
    public static final Setting SIGNING_HASHTOOL = new Setting("signing.hashtool", SettingType.PATH, "",
            "preloader (legacy): the HashTool.efi that came with that PreLoader, placed as EFI/BOOT/HashTool.efi");
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
    public static final Setting PERSISTENCE_ENCRYPTION = new Setting("persistence.encryption", SettingType.PROVIDER, "luks2",
            "persistence encryption provider (liveng.id): luks2, luks1, cryptsetup, none");
    public static final Setting PASSPHRASE = new Setting("persistence.passphrase", SettingType.SECRET_REF, "prompt",
            "where the passphrase comes from: prompt, stdin, file:PATH (mode 0600), env:NAME (never the passphrase itself)");
    public static final Setting KDF = new Setting("persistence.kdf", SettingType.STRING, "auto",
            "passphrase KDF of the LUKS keyslot: argon2id, argon2i, pbkdf2; auto = argon2id for luks2, pbkdf2 for luks1");
    public static final Setting MIN_RAM = new Setting("persistence.min-ram", SettingType.SIZE, "1G",
            "RAM of the smallest machine the stick must unlock on; Argon2 memory is fitted to a quarter of it (at most 1G)");
    public static final Setting KDF_MEMORY = new Setting("persistence.kdf-memory", SettingType.SIZE, "auto",
            "Argon2 memory cost; auto = persistence.min-ram / 4, at most 1G; more than that is refused");
    public static final Setting KDF_TIME = new Setting("persistence.kdf-time", SettingType.INTEGER, "4",
            "Argon2 time cost (passes over the memory)");
    public static final Setting KDF_PARALLEL = new Setting("persistence.kdf-parallel", SettingType.INTEGER, "4",
            "Argon2 parallelism (threads at unlock)");
    public static final Setting KDF_ITERATIONS = new Setting("persistence.kdf-iterations", SettingType.INTEGER, "1000000",
            "PBKDF2 iterations (sha256) of the keyslot when the KDF is pbkdf2");
    public static final Setting SECTOR_SIZE = new Setting("persistence.sector-size", SettingType.STRING, "auto",
            "encryption sector size: 512 or 4096; auto = 4096 for luks2 (as cryptsetup), 512 for luks1 (the only one it has)");
    public static final Setting INITRD_ADD_CRYPTSETUP = new Setting("initrd.add-cryptsetup", SettingType.BOOLEAN, "false",
            "add cryptsetup, dm-crypt and the crypto modules to kernel slot A's initrd when the ISO's lacks them (the ISO stays untouched)");
    public static final Setting AGENT_INSTALL = new Setting("agent.install", SettingType.STRING, "auto",
            "place the on-stick kernel agent (liveng-agent) into the persistence: true, false, or auto = when the agent is found");
    public static final Setting AGENT_PATH = new Setting("agent.path", SettingType.PATH, "",
            "the agent the build makes (a folder with tree/ and liveng-agent_*.deb); empty = $LIVENG_AGENT, else the product's agent/");
    public static final Setting AGENT_SIGNING_KEY = new Setting("agent.signing-key", SettingType.BOOLEAN, "false",
            "mok, custom-pk: also place the key kernels are signed with (MOK or db, unencrypted file) in the encrypted persistence, for kernels installed on the stick");
    public static final Setting SEED = new Setting("reproducible.seed", SettingType.STRING, "",
            "seed for every GUID, UUID and serial; empty = random (not reproducible)");
    public static final Setting SOURCE_DATE_EPOCH = new Setting("reproducible.source-date-epoch", SettingType.INTEGER, "",
            "timestamp for every date written; empty = $SOURCE_DATE_EPOCH or now");

    /** Every setting, in documentation order. */
    public static final List<Setting> ALL = List.of(DISTRO, SYSTEM_MODE, IMAGE_SIZE, SLOT_SIZE, KERNEL_STRATEGY, KERNEL_TRIES, ESP_SIZE,
            BOOTLOADER, SIGNING, SIGNING_KEYS, SIGNING_DB_KEY, SIGNING_MOK_KEY, SIGNING_KEY_PASSPHRASE, SIGNING_MICROSOFT_DB, SIGNING_PRELOADER,
            SIGNING_HASHTOOL, BIOS,
            BOOT_TIMEOUT, SERIAL, KERNEL_ARGS, PERSISTENCE_SIZE, PERSISTENCE_ENCRYPTION, PASSPHRASE, KDF, MIN_RAM, KDF_MEMORY,
            KDF_TIME, KDF_PARALLEL, KDF_ITERATIONS, SECTOR_SIZE, INITRD_ADD_CRYPTSETUP, AGENT_INSTALL, AGENT_PATH, AGENT_SIGNING_KEY,
            SEED, SOURCE_DATE_EPOCH);

    private static final Map<String, Setting> BY_NAME = ALL.stream().collect(Collectors.toMap(Setting::name, Function.identity()));

    private RecipeSettings() {
    }

    public static Optional<Setting> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
