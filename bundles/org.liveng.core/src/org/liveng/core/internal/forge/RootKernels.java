package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.kernel.InstalledKernels;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.medium.Content;

/**
 * The kernels installed under a system root, as Debian's kernel packages and initramfs-tools leave them:
 * {@code ROOT/boot/vmlinuz-RELEASE}, {@code ROOT/boot/initrd.img-RELEASE} and the modules in
 * {@code ROOT/lib/modules/RELEASE} (or {@code ROOT/usr/lib/modules/RELEASE}). On the stick the root is {@code /}: the
 * live system with its persistence, where a kernel installed by an update keeps all three.
 */
final class RootKernels implements InstalledKernels {
    /** What a kernel release may look like (it becomes part of a file name). */
    static final String RELEASE = "[A-Za-z0-9][A-Za-z0-9.+_~-]*";
    private static final String VMLINUZ = "vmlinuz-";

    /** Makes a kernel ready for the stick (signing, initrd checks); may refuse it. */
    @FunctionalInterface
    interface Preparation {
        KernelImage prepare(KernelImage kernel) throws LivengException;
    }

    private final Path root;
    private final Preparation preparation;

    RootKernels(Path root, Preparation preparation) {
        this.root = root;
        this.preparation = preparation;
    }

    private Path boot() {
        return root.resolve("boot");
    }

    @Override
    public String describe() {
        return boot().toString();
    }

    @Override
    public List<String> releases() throws LivengException {
        if (!Files.isDirectory(boot())) {
            throw new LivengException(ErrorCodes.NOT_FOUND, boot() + " does not exist: no installed kernels to take from",
                    "give the root directory of the system whose boot/ holds the kernels (on the stick: /)");
        }
        try (Stream<Path> files = Files.list(boot())) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.startsWith(VMLINUZ))
                    .map(n -> n.substring(VMLINUZ.length())).filter(r -> r.matches(RELEASE)).sorted().toList();
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "listing " + boot() + " failed: " + e.getMessage(), null, e);
        }
    }

    @Override
    public KernelImage kernel(String release) throws LivengException {
        if (!release.matches(RELEASE)) {
            throw new LivengException(ErrorCodes.FORMAT, "'" + release + "' is not a kernel release");
        }
        Path kernel = boot().resolve(VMLINUZ + release);
        if (!Files.isRegularFile(kernel)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, kernel + " does not exist: kernel " + release + " is not installed",
                    "install its package again (apt install --reinstall linux-image-" + release + "), then run liveng kernel repair again");
        }
        Path initrd = boot().resolve("initrd.img-" + release);
        if (!Files.isRegularFile(initrd)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, initrd + " does not exist: kernel " + release + " has no initrd",
                    "build it (mkinitramfs -o /boot/initrd.img-" + release + " " + release + "), then run liveng kernel repair again");
        }
        Path modules = root.resolve("lib/modules/" + release);
        if (!Files.isDirectory(modules) && !Files.isDirectory(root.resolve("usr/lib/modules/" + release))) {
            throw new LivengException(ErrorCodes.NOT_FOUND, modules + " does not exist: kernel " + release
                    + " has no modules here, it would boot without its drivers",
                    "boot with the persistence the kernel was installed into, or install its package again");
        }
        try {
            return preparation.prepare(new KernelImage(release, Content.of(kernel), Content.of(initrd)));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + kernel + " or " + initrd + " failed: " + e.getMessage(), null, e);
        }
    }
}
