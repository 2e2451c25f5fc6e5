package org.liveng.testing.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.RunningProcess;

/**
 * A QEMU test machine: firmware, a boot disk and further virtual disks, all raw images on virtio-blk.
 * Fixed settings: {@code -accel tcg,tb-size=64 -smp 1 -nic none -no-reboot -display none}, serial
 * console on QEMU's standard input/output, 2048 MiB unless set otherwise. A machine can be booted
 * several times in sequence (reboot tests); disks keep what each boot wrote. One VM at a time on the
 * host: {@link #boot} waits while another test JVM runs one.
 *
 * <pre>
 * Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img).disk(steps, true).build();
 * try (Boot b = m.boot("myTest")) {
 *     b.awaitMarker("done", Duration.ofMinutes(5));
 * }
 * </pre>
 */
public final class Machine {
    /** System property naming the folder of serial logs; default {@code target/boot-logs}. */
    public static final String LOG_DIR_PROPERTY = "liveng.boot-logs";

    private static final Map<String, Integer> BOOT_COUNTS = new ConcurrentHashMap<>();

    /** A virtual disk. */
    public record Disk(Path image, boolean readOnly) {
        public Disk {
            Objects.requireNonNull(image, "image");
        }
    }

    private final Firmware firmware;
    private final List<Disk> disks;
    private final int memoryMib;
    private final Path logDir;
    private final List<String> extraArgs;
    private SecureBootKeys keys;
    private final boolean keysWithMicrosoftDb;
    private Path customVarsTemplate;

    private Machine(Builder b) {
        this.firmware = b.firmware;
        this.disks = List.copyOf(b.disks);
        this.memoryMib = b.memoryMib;
        this.logDir = b.logDir;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.keys = b.keys;
        this.keysWithMicrosoftDb = b.withMicrosoftDb;
    }

    public static Builder builder(Firmware firmware) {
        return new Builder(firmware);
    }

    public Firmware firmware() {
        return firmware;
    }

    /** The boot disk first, then the others in the order they were added. */
    public List<Disk> disks() {
        return disks;
    }

    public int memoryMib() {
        return memoryMib;
    }

    /** The folder serial logs go to: the builder's, else {@value #LOG_DIR_PROPERTY}, else {@code target/boot-logs}. */
    public Path logDir() {
        if (logDir != null) {
            return logDir;
        }
        return Path.of(System.getProperty(LOG_DIR_PROPERTY, "target/boot-logs"));
    }

    /** The own keys of a {@link Firmware#UEFI_SECUREBOOT_CUSTOM} machine (made on first boot unless given), else {@code null}. */
    public SecureBootKeys secureBootKeys() {
        return keys;
    }

    /**
     * Starts QEMU. The serial log is {@code <log dir>/<testName>-<n>.log} (n counts the boots of that
     * name in this JVM, from 1), the timings {@code <testName>-<n>.timings.txt}. Close the returned boot.
     */
    public Boot boot(String testName) throws IOException, LivengException {
        HostTools.requireFor(firmware);
        for (Disk d : disks) {
            if (!Files.isRegularFile(d.image())) {
                throw new AssertionError("disk image " + d.image() + " does not exist");
            }
        }
        String safe = testName.replaceAll("[^A-Za-z0-9._-]", "_");
        int n = BOOT_COUNTS.merge(safe, 1, Integer::sum);
        String name = safe + "-" + n;
        Path dir = logDir().toAbsolutePath();
        Files.createDirectories(dir);
        Path logFile = dir.resolve(name + ".log");
        Path timings = dir.resolve(name + ".timings.txt");

        Path work = Files.createTempDirectory("liveng-boot-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Runnable release;
        try {
            release = VmSlot.acquire();
        } catch (IOException | RuntimeException e) {
            deleteTree(work);
            throw e;
        }
        Runnable cleanup = () -> {
            deleteTree(work);
            release.run();
        };
        try {
            Path vars = null;
            if (firmware.isUefi()) {
                vars = work.resolve("vars.fd");
                Files.copy(varsTemplate(), vars, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> argv = new ArrayList<>();
            argv.add(HostTools.QEMU);
            argv.addAll(List.of("-name", "liveng-" + name, "-accel", "tcg,tb-size=64", "-smp", "1",
                    "-m", Integer.toString(memoryMib), "-nic", "none", "-no-reboot", "-display", "none",
                    "-monitor", "none", "-serial", "stdio"));
            argv.addAll(firmware.qemuArgs(vars));
            for (int i = 0; i < disks.size(); i++) {
                Disk d = disks.get(i);
                argv.add("-drive");
                argv.add("if=none,id=disk" + i + ",format=raw,file=" + escape(d.image().toAbsolutePath().toString())
                        + (d.readOnly() ? ",readonly=on" : ""));
                argv.add("-device");
                argv.add("virtio-blk-pci,drive=disk" + i + (i == 0 ? ",bootindex=0" : ""));
            }
            argv.addAll(extraArgs);
            RunningProcess p = HostTools.RUNNER.start(Command.of(argv).fromPackage("qemu-system-x86"));
            try {
                return new Boot(name, this, p, logFile, timings, cleanup);
            } catch (IOException | RuntimeException e) {
                try {
                    p.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
        } catch (IOException | LivengException | RuntimeException e) {
            cleanup.run();
            throw e;
        }
    }

    private synchronized Path varsTemplate() throws IOException, LivengException {
        if (firmware != Firmware.UEFI_SECUREBOOT_CUSTOM) {
            return firmware.varsTemplate();
        }
        if (customVarsTemplate == null) {
            if (keys == null) {
                Path keyDir = Files.createTempDirectory("liveng-sbkeys-", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(keyDir), "liveng-sbkeys-cleanup"));
                keys = SecureBootKeys.generate(keyDir);
            }
            Path t = Files.createTempFile(keys.directory(), "vars-template-", ".fd");
            customVarsTemplate = keys.createVars(t, keysWithMicrosoftDb);
        }
        return customVarsTemplate;
    }

    /** QEMU option values double their commas. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a {@link Machine}. */
    public static final class Builder {
        private final Firmware firmware;
        private final List<Disk> disks = new ArrayList<>();
        private boolean hasBootDisk;
        private int memoryMib = 2048;
        private Path logDir;
        private final List<String> extraArgs = new ArrayList<>();
        private SecureBootKeys keys;
        private boolean withMicrosoftDb;

        private Builder(Firmware firmware) {
            this.firmware = Objects.requireNonNull(firmware, "firmware");
        }

        /** The disk the firmware boots (writable). */
        public Builder bootDisk(Path image) {
            return bootDisk(image, false);
        }

        public Builder bootDisk(Path image, boolean readOnly) {
            if (hasBootDisk) {
                throw new IllegalStateException("the boot disk is already set");
            }
            disks.add(0, new Disk(image, readOnly));
            hasBootDisk = true;
            return this;
        }

        /** A further writable disk. */
        public Builder disk(Path image) {
            return disk(image, false);
        }

        public Builder disk(Path image, boolean readOnly) {
            disks.add(new Disk(image, readOnly));
            return this;
        }

        public Builder memoryMib(int mib) {
            this.memoryMib = mib;
            return this;
        }

        /** Where serial logs go (default: see {@link Machine#logDir()}). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Extra QEMU arguments, appended last. */
        public Builder qemuArgs(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /**
         * For {@link Firmware#UEFI_SECUREBOOT_CUSTOM}: these own keys (default: a fresh set made at the
         * first boot) and whether Microsoft's db certificates are enrolled next to the own db key.
         */
        public Builder secureBootKeys(SecureBootKeys ownKeys, boolean withMicrosoftDb) {
            if (firmware != Firmware.UEFI_SECUREBOOT_CUSTOM) {
                throw new IllegalStateException("own Secure Boot keys need Firmware.UEFI_SECUREBOOT_CUSTOM, not " + firmware);
            }
            this.keys = ownKeys;
            this.withMicrosoftDb = withMicrosoftDb;
            return this;
        }

        public Machine build() {
            if (!hasBootDisk) {
                throw new IllegalStateException("no boot disk");
            }
            return new Machine(this);
        }
    }
}
