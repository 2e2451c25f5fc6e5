package org.liveng.integration.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;

/**
 * Builds small ISOs in the layout live-build produces (with real initrds from
 * the initrd fixture), for the variants a genuine ISO does not cover: a
 * missing cryptsetup, a plain {@code vmlinuz}, a foreign distro, no /live.
 */
final class LayoutIso {
    private final Path tree;
    private final Path out;

    LayoutIso(Path work, String name) throws IOException {
        this.tree = Files.createDirectories(work.resolve(name + "-tree"));
        this.out = work.resolve(name + ".iso");
    }

    LayoutIso file(String path, byte[] content) throws IOException {
        Path p = tree.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return this;
    }

    LayoutIso text(String path, String content) throws IOException {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    LayoutIso copy(String path, Path source) throws IOException {
        Path p = tree.resolve(path);
        Files.createDirectories(p.getParent());
        Files.copy(source, p);
        return this;
    }

    /** A squashfs made by mksquashfs from a tiny tree. */
    LayoutIso squashfs(String path) throws IOException, LivengException {
        Path src = Files.createDirectories(tree.getParent().resolve(tree.getFileName() + "-rootfs/etc"));
        Files.writeString(src.resolve("hostname"), "debian\n");
        Path p = tree.resolve(path);
        Files.createDirectories(p.getParent());
        Fixtures.RUNNER.run(Command.of("mksquashfs", src.getParent().toString(), p.toString(), "-noappend", "-quiet",
                "-all-root", "-mkfs-time", "0", "-all-time", "0").fromPackage("squashfs-tools"));
        return this;
    }

    /** Writes the ISO with the options live-build uses for an iso-hybrid image (boot equipment aside). */
    Path build(String volumeId) throws LivengException {
        List<String> argv = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-R", "-r", "-J", "-joliet-long", "-l",
                "-iso-level", "3", "-A", "Debian Live", "-p", "live-build", "-publisher", "Debian Live project",
                "-V", volumeId, "--modification-date=2024083110400000", "-o", out.toString(), tree.toString()));
        Fixtures.RUNNER.run(Command.of(argv).fromPackage("xorriso"));
        return out;
    }

    /** Just enough of an x86 bzImage for the boot protocol header to carry a version string. */
    static byte[] fakeBzImage(String version) {
        byte[] img = new byte[0x4000];
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0x1FE, (short) 0xAA55);
        b.putInt(0x202, 0x53726448);
        int stringAt = 0x3000;
        b.putShort(0x20E, (short) (stringAt - 0x200));
        byte[] v = (version + " (kernel-builder) #1 SMP PREEMPT_DYNAMIC Debian").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, img, stringAt, v.length);
        return img;
    }
}
