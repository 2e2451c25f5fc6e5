package org.liveng.signing.distro.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * Debian's signed GRUB for disks ({@code grubx64.efi} of the package
 * {@code grub-efi-amd64-signed}). A Debian live ISO carries the CD variant
 * ({@code gcdx64.efi}, renamed): it searches every disk for
 * {@code /.disk/info}, finds the ISO in {@code LIVENG_SYSTEM} and shows the
 * ISO's own menu, bypassing the stick's. The disk variant reads
 * {@code \EFI\debian\grub.cfg} from the ESP it was started from.
 *
 * <p>Taken from the installed package if present, else downloaded once with
 * {@code apt-get download} into {@code ~/.cache/liveng/packages} (the
 * machine's apt sources decide where from).
 */
final class DebianSignedGrub {
    static final String PACKAGE = "grub-efi-amd64-signed";
    static final Path INSTALLED = Path.of("/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed");
    static final String IN_PACKAGE = "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed";

    private final ProcessRunner runner;

    DebianSignedGrub(ProcessRunner runner) {
        this.runner = runner;
    }

    Path locate() throws LivengException {
        if (Files.isRegularFile(INSTALLED)) {
            return INSTALLED;
        }
        String cacheHome = System.getenv("XDG_CACHE_HOME");
        Path cache = (cacheHome != null && !cacheHome.isBlank() ? Path.of(cacheHome) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("liveng/packages/" + PACKAGE);
        Path extracted = cache.resolve("root").resolve(IN_PACKAGE);
        if (Files.isRegularFile(extracted)) {
            return extracted;
        }
        try {
            Files.createDirectories(cache);
            runner.run(Command.of("apt-get", "download", "-q", PACKAGE).directory(cache).fromPackage("apt"));
            Optional<Path> deb;
            try (Stream<Path> s = Files.list(cache)) {
                deb = s.filter(p -> p.getFileName().toString().startsWith(PACKAGE + "_") && p.toString().endsWith(".deb")).findFirst();
            }
            if (deb.isEmpty()) {
                throw new LivengException(ErrorCodes.ENVIRONMENT, "apt-get download " + PACKAGE + " produced no package", null);
            }
            runner.run(Command.of("dpkg-deb", "-x", deb.get().toString(), cache.resolve("root").toString()).fromPackage("dpkg"));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot prepare " + cache + ": " + e.getMessage(), null, e);
        }
        if (!Files.isRegularFile(extracted)) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, PACKAGE + " has no " + IN_PACKAGE, null);
        }
        return extracted;
    }
}
