package org.liveng.shell.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootState;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.StickStatus;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.medium.Content;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code liveng kernel update|status}: a forged stick's kernel slots, from the host. */
@Component(service = KernelCommand.class, property = {
        "osgi.command.scope=kernel",
        "osgi.command.function=update",
        "osgi.command.function=status" })
public final class KernelCommand {
    private final KernelUpdates updates;

    @Activate
    public KernelCommand(@Reference KernelUpdates updates) {
        this.updates = updates;
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
        Map<String, String> keys = new TreeMap<>();
        for (String s : keySettings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new LivengException(ErrorCodes.USAGE, "not a setting: " + s, "give name=value, e.g. signing.keys=DIR");
            }
            keys.put(s.substring(0, eq), s.substring(eq + 1));
        }
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
