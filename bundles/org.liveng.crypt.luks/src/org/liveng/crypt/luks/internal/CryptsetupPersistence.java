package org.liveng.crypt.luks.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.Support;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.recipe.Recipe;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Luks2Container;
import org.liveng.format.luks2.Luks2Options;
import org.liveng.format.luks2.Unlocked;
import org.liveng.format.luks2.VolumeKey;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code cryptsetup}: the LUKS2 header and keyslot are made by the host's
 * cryptsetup (the reference implementation: its volume key, salts, KDF and
 * layout), the data by liveng. Without device-mapper cryptsetup cannot open a
 * mapping, so it formats a small scratch file holding only the metadata
 * ({@code luksFormat --offset}: data at 16 MiB, as cryptsetup's default); that
 * metadata is copied to the start of the partition, unlocked with the same
 * passphrase by liveng's reader, and only the allocated extents of the
 * plaintext image are encrypted into the data segment with the volume key
 * cryptsetup chose. This works for image files and block devices alike and
 * needs no root. The passphrase reaches cryptsetup on standard input
 * ({@code --key-file -}), never in argv.
 */
@Component(service = PersistenceEncryption.class, property = "liveng.id=cryptsetup")
public final class CryptsetupPersistence extends LuksPersistence {
    private final ProcessRunner runner;

    @Activate
    public CryptsetupPersistence(@Reference NativeCalls posix, @Reference ProcessRunner runner) {
        super(posix);
        this.runner = runner;
    }

    @Override
    public String id() {
        return "cryptsetup";
    }

    @Override
    public String description() {
        return "LUKS2 header and keyslot made by the host's cryptsetup (the reference implementation); data written by liveng";
    }

    @Override
    String format() {
        return "luks2";
    }

    @Override
    public Support supports(Recipe recipe, InitrdInfo initrd) {
        Support s = super.supports(recipe, initrd);
        if (runner.locate("cryptsetup").isPresent()) {
            return s;
        }
        List<String> reasons = new ArrayList<>(s.reasons());
        reasons.add("persistence.encryption=cryptsetup drives this host's cryptsetup, which is not installed (Debian package "
                + "cryptsetup-bin); install it or use luks2.");
        return new Support(false, reasons);
    }

    @Override
    long dataOffset(LuksParameters p) {
        return Luks2Options.DEFAULT_DATA_OFFSET;
    }

    /** {@code key} is not used: cryptsetup chooses the volume key; the returned channel is keyed with it. */
    @Override
    CryptChannel create(ContainerRegion region, LuksParameters p, String uuid, Secret passphrase, VolumeKey key) throws LivengException {
        long offset = dataOffset(p);
        if (region.length() < offset + p.sectorSize()) {
            throw new LivengException(ErrorCodes.USAGE, "the persistence partition (" + region.length() + " bytes) is too small for LUKS2 "
                    + "metadata of " + offset + " bytes", "make persistence.size larger");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("liveng-cryptsetup", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path scratch = dir.resolve("header.img");
            try (FileChannel f = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
                f.write(ByteBuffer.allocate(1), offset + (1 << 20) - 1);
            }
            runner.run(luksFormat(p, uuid, offset, scratch).secretStdin(passphrase).fromPackage("cryptsetup-bin"));
            copyMetadata(scratch, region, offset);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot prepare the cryptsetup header: " + e.getMessage(), null, e);
        } finally {
            delete(dir);
        }
        Luks2Container c = Luks2Container.open(region);
        try (Unlocked u = c.unlock(passphrase)) {
            return c.openData(u.key());
        }
    }

    static Command luksFormat(LuksParameters p, String uuid, long offset, Path file) {
        List<String> argv = new ArrayList<>(List.of("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2",
                "--cipher", LuksParameters.CIPHER, "--key-size", Integer.toString(p.keyBits()), "--sector-size", Integer.toString(p.sectorSize()),
                "--pbkdf", p.kdf().type(), "--pbkdf-force-iterations", Long.toString(p.kdf().iterations()), "--uuid", uuid,
                "--offset", Long.toString(offset / 512), "--key-file", "-"));
        if (p.kdf().isArgon2()) {
            argv.addAll(List.of("--pbkdf-memory", Long.toString(p.kdf().memoryKiB()), "--pbkdf-parallel", Integer.toString(p.kdf().cpus())));
        } else {
            argv.addAll(List.of("--hash", p.kdf().hash()));
        }
        argv.add(file.toString());
        return Command.of(argv);
    }

    private static void copyMetadata(Path scratch, ContainerRegion region, long length) throws IOException, LivengException {
        byte[] buf = new byte[1 << 20];
        try (FileChannel in = FileChannel.open(scratch, StandardOpenOption.READ)) {
            for (long pos = 0; pos < length; pos += buf.length) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, length - pos));
                while (bb.hasRemaining() && in.read(bb, pos + bb.position()) >= 0) {
                    // read fully
                }
                region.write(pos, buf, 0, bb.position(), "LUKS2 metadata made by cryptsetup");
            }
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            // a scratch directory holding no secret (the header is public data)
        }
    }
}
