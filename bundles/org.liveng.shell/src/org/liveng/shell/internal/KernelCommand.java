package org.liveng.shell.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootState;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.RepairResult;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.StickStatus;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.medium.Content;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code liveng kernel update|status}: a forged stick's kernel slots, from the host; {@code liveng kernel install|bless}:
 * the same on the stick the live system runs from (the kernel postinst hook and the bless unit call them);
 * {@code liveng kernel repair}: after a boot from the fallback entry, rewrites a {@code second-partition} stick's kernel
 * partition that an update left without a valid kernel (the repair unit calls it).
 */
@Component(service = KernelCommand.class, property = {
        "osgi.command.scope=kernel",
        "osgi.command.function=update",
        "osgi.command.function=status",
        "osgi.command.function=install",
        "osgi.command.function=bless",
        "osgi.command.function=repair" })
public final class KernelCommand {
    /** The kernel argument naming the slot a slot boot entry boots (forge writes it into the boot menu). */
    static final String SLOT_ARG = "liveng.slot=";
    /** The kernel argument of the fallback boot entry. */
    static final String FALLBACK_ARG = "liveng-fallback";
    private final KernelUpdates updates;
    private final ProcessRunner runner;
    private final Path cmdline;
    private final Path boot;

    @Activate
    public KernelCommand(@Reference KernelUpdates updates, @Reference ProcessRunner runner) {
        this(updates, runner, Path.of("/proc/cmdline"), Path.of("/boot"));
    }

    /**
     * @param cmdline the kernel command line file ({@code /proc/cmdline})
     * @param boot where installed kernels are ({@code /boot})
     */
    public KernelCommand(KernelUpdates updates, ProcessRunner runner, Path cmdline, Path boot) {
        this.updates = updates;
        this.runner = runner;
        this.cmdline = cmdline;
        this.boot = boot;
    }

    @Descriptor("on the stick: put the newest installed kernel (/boot/vmlinuz-*) into a kernel slot, with its initrd (/boot/initrd.img-RELEASE if built after the kernel was installed, else mkinitramfs)")
    public Object install(
            @Descriptor("install even when the kernel is older than the stick's last good kernel")
            @Parameter(names = { "--allow-downgrade" }, presentValue = "true", absentValue = "false") boolean allowDowngrade) throws LivengException {
        return install(allowDowngrade, newestRelease());
    }

    @Descriptor("on the stick: put an installed kernel (/boot/vmlinuz-RELEASE) into a kernel slot, with its initrd (/boot/initrd.img-RELEASE if built after the kernel was installed, else mkinitramfs)")
    public Object install(
            @Descriptor("install even when the kernel is older than the stick's last good kernel")
            @Parameter(names = { "--allow-downgrade" }, presentValue = "true", absentValue = "false") boolean allowDowngrade,
            @Descriptor("the kernel release, e.g. 6.1.0-56-cloud-amd64") String release) throws LivengException {
        if (!release.matches("[A-Za-z0-9][A-Za-z0-9.+_~-]*")) {
            throw new LivengException(ErrorCodes.USAGE, "'" + release + "' is not a kernel release", "e.g. liveng kernel install 6.1.0-56-cloud-amd64");
        }
        Path kernel = boot.resolve("vmlinuz-" + release);
        if (!Files.isRegularFile(kernel)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, kernel + " does not exist: kernel " + release + " is not installed");
        }
        Path initrd = null;
        try {
            Path built = boot.resolve("initrd.img-" + release);
            String source;
            if (builtAfterInstall(built, kernel)) {
                // the kernel package's own hook (initramfs-tools, before ours) just built it: building it again costs
                // minutes on a slow machine for the same bytes
                source = built + ", built after the kernel was installed";
            } else {
                initrd = Files.createTempFile("liveng-initrd-" + release + "-", ".img");
                runner.run(Command.of("mkinitramfs", "-o", initrd.toString(), release).fromPackage("initramfs-tools"));
                source = "built by mkinitramfs";
            }
            UpdateResult r = updates.updateRunning(new KernelImage(release, Content.of(kernel), Content.of(initrd == null ? built : initrd)),
                    allowDowngrade);
            return "kernel " + r.version() + " written to " + r.slot() + " (generation " + r.generation() + "), boots next: " + r.bootDefault()
                    + "; initrd " + source;
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "preparing kernel " + release + " failed: " + e.getMessage(), null, e);
        } finally {
            if (initrd != null) {
                try {
                    Files.deleteIfExists(initrd);
                } catch (java.io.IOException e) {
                    // a leftover temporary initrd is harmless
                }
            }
        }
    }

    /**
     * Whether {@code initrd} was written after {@code kernel} was unpacked (its inode change time): then it was built for
     * this installation of the kernel, with the system's initramfs configuration. An older one (left from an earlier
     * installation of the same release) is not trusted.
     */
    public static boolean builtAfterInstall(Path initrd, Path kernel) {
        try {
            if (!Files.isRegularFile(initrd)) {
                return false;
            }
            java.nio.file.attribute.FileTime installed = (java.nio.file.attribute.FileTime) Files.getAttribute(kernel, "unix:ctime");
            return Files.getLastModifiedTime(initrd).compareTo(installed) >= 0 && Files.size(initrd) > 0;
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    @Descriptor("on the stick: mark the kernel slot the live system booted (liveng.slot= on the kernel command line) as good")
    public Object bless() throws LivengException {
        String args;
        try {
            args = Files.readString(cmdline);
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + cmdline + " failed: " + e.getMessage(), null, e);
        }
        List<String> words = List.of(args.strip().split("\\s+"));
        if (words.contains(FALLBACK_ARG)) {
            return "booted from the fallback entry (the original kernel): no kernel slot to bless";
        }
        Optional<String> slot = words.stream().filter(w -> w.startsWith(SLOT_ARG)).map(w -> w.substring(SLOT_ARG.length())).reduce((a, b) -> b);
        if (slot.isEmpty()) {
            return "the kernel command line has no " + SLOT_ARG + ": not booted from a liveng kernel slot, nothing to bless";
        }
        BootState s = updates.blessRunning(slot.get());
        return "slot " + slot.get() + " is good; boot order: " + String.join(" ", s.order());
    }

    @Descriptor("on the stick, after a boot from the fallback entry: rewrite a second-partition stick's kernel partition when it "
            + "holds no valid kernel, from the kernel, initrd and modules installed in /boot and /lib/modules (ab-slots needs no repair)")
    public Object repair(
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the system root whose boot/ and lib/modules/ hold the installed kernels")
            @Parameter(names = { "--root" }, absentValue = "/") String root) throws LivengException {
        return render(json, updates.repairRunning(Path.of(root)));
    }

    @Descriptor("repair a forged stick (image file or whole-disk device) from the host, with the kernels installed under --root: "
            + "rewrite a second-partition kernel partition that holds no valid kernel")
    public Object repair(
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the system root whose boot/ and lib/modules/ hold the installed kernels")
            @Parameter(names = { "--root" }, absentValue = "/") String root,
            @Descriptor("the image file or the stick's whole-disk device (not mounted)") String target,
            @Descriptor("where the owner's keys are when the stick re-signs kernels (mok, custom-pk), e.g. signing.keys=DIR")
            String... keySettings) throws LivengException {
        return render(json, updates.repair(Path.of(target), Path.of(root), settings(keySettings)));
    }

    private static Object render(boolean json, RepairResult r) {
        return json ? Json.of(r) : r.message();
    }

    private static Map<String, String> settings(String... keySettings) throws LivengException {
        Map<String, String> keys = new TreeMap<>();
        for (String s : keySettings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new LivengException(ErrorCodes.USAGE, "not a setting: " + s, "give name=value, e.g. signing.keys=DIR");
            }
            keys.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return keys;
    }

    private String newestRelease() throws LivengException {
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-") && Files.isRegularFile(p))
                    .max(Comparator.comparing(KernelCommand::modified)).map(p -> p.getFileName().toString().substring("vmlinuz-".length()))
                    .orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, "no kernel in " + boot + " (no vmlinuz-*)"));
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "listing " + boot + " failed: " + e.getMessage(), null, e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (java.io.IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    @Descriptor("put a new kernel and initrd on a forged stick (image file or whole-disk device) with the stick's kernel strategy")
    public Object update(
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the kernel image (vmlinuz): distro-signed for shim-distro; mok and custom-pk sticks re-sign it with the owner's key")
            @Parameter(names = { "--kernel" }, absentValue = "") String kernel,
            @Descriptor("the initrd built for that kernel")
            @Parameter(names = { "--initrd" }, absentValue = "") String initrd,
            @Descriptor("the kernel release (default: read from the kernel image's version string)")
            @Parameter(names = { "--version" }, absentValue = "") String version,
            @Descriptor("install even when the kernel is older than the stick's last good kernel")
            @Parameter(names = { "--allow-downgrade" }, presentValue = "true", absentValue = "false") boolean allowDowngrade,
            @Descriptor("the image file or the stick's whole-disk device (not mounted)") String target,
            @Descriptor("where the owner's keys are when the stick re-signs kernels (mok, custom-pk), e.g. signing.keys=DIR "
                    + "signing.key-passphrase=file:PATH") String... keySettings) throws LivengException {
        Map<String, String> keys = settings(keySettings);
        Path k = file("--kernel", kernel);
        Path i = file("--initrd", initrd);
        String release = version.isEmpty() ? KernelRelease.of(k) : version;
        UpdateResult r;
        try {
            r = updates.update(Path.of(target), new KernelImage(release, Content.of(k), Content.of(i)), allowDowngrade, keys);
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + k + " or " + i + " failed: " + e.getMessage(), null, e);
        }
        return json ? Json.of(r) : "kernel " + r.version() + " written to " + r.slot() + " (generation " + r.generation()
                + "), boots next: " + r.bootDefault();
    }

    @Descriptor("show a forged stick's kernel slots (kernel, generation, valid) and its boot state")
    public Object status(
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the image file or the stick's whole-disk device") String target) throws LivengException {
        StickStatus s = updates.status(Path.of(target));
        if (json) {
            return Json.of(s);
        }
        StringBuilder sb = new StringBuilder(s.target()).append(": kernel strategy ").append(s.strategy()).append('\n');
        sb.append("boot order: ").append(String.join(" ", s.state().order())).append('\n');
        for (SlotInfo si : s.slots()) {
            BootState.Slot st = s.state().slots().get(si.id());
            sb.append(String.format("  %-3s %-16s %-8s %-26s generation %-3d %s%n", si.id(), si.partition(),
                    st == null ? "-" : st.status().name().toLowerCase(Locale.ROOT) + (st.status() == BootState.Status.TRIAL
                            ? "(" + st.triesLeft() + ")" : ""),
                    si.version().isEmpty() ? "-" : si.version(), si.generation(), si.valid() ? "valid" : "INVALID: " + si.problem()));
        }
        return sb.toString();
    }

    private static Path file(String option, String value) throws LivengException {
        if (value.isEmpty()) {
            throw new LivengException(ErrorCodes.USAGE, option + " is required", "liveng kernel update --kernel VMLINUZ --initrd INITRD TARGET");
        }
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, option + " " + value + " is not a file");
        }
        return p;
    }
}
