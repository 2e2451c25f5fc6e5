package org.liveng.crypt.luks.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.Support;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.crypt.PersistenceRequest;
import org.liveng.api.crypt.PersistenceResult;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.Reproducible;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.DataRange;
import org.liveng.format.luks2.VolumeKey;
import org.liveng.platform.posix.NativeCalls;

/**
 * What the LUKS providers share: the initrd and parameter checks, the
 * reproducible container UUID, and the write: a container over the whole
 * partition, then only the allocated extents of the sparse plaintext image
 * encrypted into its data segment (holes stay as they are, as after mkfs on a
 * fresh dm-crypt device). The volume key and the salts are always fresh
 * randomness, also for a reproducible recipe: only the UUID derives from the seed.
 */
abstract class LuksPersistence implements PersistenceEncryption {
    private final NativeCalls posix;

    LuksPersistence(NativeCalls posix) {
        this.posix = posix;
    }

    /** Bytes from the container start to its data segment. */
    abstract long dataOffset(LuksParameters p);

    /** Writes the container's metadata with {@code key} and the passphrase in the first keyslot; returns its data segment. */
    abstract CryptChannel create(ContainerRegion region, LuksParameters p, String uuid, Secret passphrase, VolumeKey key)
            throws LivengException;

    @Override
    public boolean needsPassphrase() {
        return true;
    }

    @Override
    public Support supports(Recipe recipe, InitrdInfo initrd) {
        List<String> reasons = new ArrayList<>();
        initrdProblem(initrd).ifPresent(reasons::add);
        LuksParameters.of(recipe, format(), reasons);
        return reasons.isEmpty() ? Support.yes() : new Support(false, reasons);
    }

    /** The container format written: {@code luks2} or {@code luks1}. */
    String format() {
        return id();
    }

    /** Why live-boot could not unlock LUKS persistence with this initrd, if it could not. */
    static Optional<String> initrdProblem(InitrdInfo initrd) {
        if (!initrd.liveBoot()) {
            return Optional.of("the initrd has no live-boot, which unlocks and mounts the persistence.");
        }
        if (!initrd.encryptionReady()) {
            return Optional.of("the initrd cannot unlock LUKS (cryptsetup " + (initrd.cryptsetup() ? "present" : "missing")
                    + ", dm-crypt " + (initrd.dmCrypt() ? "present" : "missing") + "): live-boot would boot silently WITHOUT "
                    + "persistence and nothing written on the stick would be kept. Fix: set initrd.add-cryptsetup=true "
                    + "(forge --fix-initrd) to add cryptsetup to the stick's initrd, use an ISO built with cryptsetup-initramfs "
                    + "(CRYPTSETUP=y), or choose persistence.encryption=none.");
        }
        return Optional.empty();
    }

    @Override
    public long plaintextBytes(Recipe recipe, long partitionBytes) {
        List<String> problems = new ArrayList<>();
        LuksParameters p = LuksParameters.of(recipe, format(), problems);
        long offset = p == null ? 0 : dataOffset(p);
        int sector = p == null ? 4096 : p.sectorSize();
        return Math.max(0, (partitionBytes - offset) / sector * sector);
    }

    @Override
    public PersistenceResult write(PersistenceRequest r) throws LivengException {
        LuksParameters p = LuksParameters.require(r.recipe(), format());
        if (r.passphrase() == null || r.passphrase().length() == 0) {
            throw new LivengException(ErrorCodes.USAGE, format() + " persistence needs a passphrase and none (or an empty one) was given",
                    "give it with --passphrase-file FILE, --passphrase-stdin or at the prompt");
        }
        String uuid = uuid(r.recipe());
        ContainerRegion region = new ContainerRegion(r.target(), r.offset(), r.length());
        byte[] vk = new byte[p.keyBits() / 8];
        new SecureRandom().nextBytes(vk);
        List<DataRange> ranges = dataRanges(r);
        try (VolumeKey key = new VolumeKey(vk);
                FileChannel plain = FileChannel.open(r.plainImage(), StandardOpenOption.READ);
                CryptChannel data = create(region, p, uuid, r.passphrase(), key)) {
            if (plain.size() > data.size()) {
                throw new LivengException(ErrorCodes.INTERNAL, "the persistence image (" + plain.size() + " bytes) is larger than the "
                        + format() + " data segment (" + data.size() + " bytes)");
            }
            long written = data.encryptRanges(plain, ranges);
            Map<String, String> m = new LinkedHashMap<>(p.manifest());
            m.put("uuid", uuid);
            m.put("data-offset", Long.toString(dataOffset(p)));
            m.put("written-bytes", Long.toString(written));
            m.put("allocated-bytes", Long.toString(ranges.stream().mapToLong(DataRange::length).sum()));
            m.put("image-bytes", Long.toString(plain.size()));
            return new PersistenceResult(format(), uuid, List.of("persistence-encryption=luks"), m);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "writing the " + format() + " persistence failed: " + e.getMessage(), null, e);
        }
    }

    List<DataRange> dataRanges(PersistenceRequest r) throws LivengException {
        List<DataRange> out = new ArrayList<>();
        for (long[] x : posix.dataRanges(r.plainImage())) {
            out.add(new DataRange(x[0], x[1] - x[0]));
        }
        return out;
    }

    /** The container UUID: derived from the recipe's seed (forge always sets one), RFC 4122 version 4 form. */
    static String uuid(Recipe recipe) {
        byte[] b = Reproducible.bytes(recipe, "persistence-luks-uuid", 16);
        b[6] = (byte) ((b[6] & 0x0F) | 0x40);
        b[8] = (byte) ((b[8] & 0x3F) | 0x80);
        String h = HexFormat.of().formatHex(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }
}
