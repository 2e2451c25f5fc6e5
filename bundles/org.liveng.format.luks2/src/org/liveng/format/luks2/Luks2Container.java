package org.liveng.format.luks2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;

/**
 * A LUKS2 container in a region of a channel (LUKS2 On-Disk Format
 * Specification, cryptsetup 2.x): create, open (primary header, falling back
 * to the secondary copy like cryptsetup), unlock with a passphrase, read and
 * write the plaintext through {@link CryptChannel}, manage keyslots, back up
 * and restore the header, and dump it.
 *
 * <pre>
 * 0            hdr_size       2*hdr_size                      2*hdr_size+keyslots_size   segment offset
 * | primary    | secondary    | keyslots area (AF-split keys)  |  (unused)               | encrypted data ...
 * | bin | JSON | bin | JSON   |                                |                         |
 * </pre>
 * Pure Java: no root, no device-mapper. Passphrases and keys stay in byte
 * arrays that are wiped after use and never appear in messages.
 */
public final class Luks2Container implements Unlockable {
    static final int KEYSLOT_SECTOR = 512;
    static final int STRIPES = 4000;
    static final int SALT_BYTES = 32;

    private final ContainerRegion region;
    private Luks2BinaryHeader header;
    private byte[] salt1st;
    private byte[] salt2nd;
    private Luks2Metadata metadata;
    private final List<String> notes;

    private Luks2Container(ContainerRegion region, Luks2BinaryHeader header, byte[] salt1st, byte[] salt2nd, Luks2Metadata metadata,
            List<String> notes) {
        this.region = region;
        this.header = header;
        this.salt1st = salt1st;
        this.salt2nd = salt2nd;
        this.metadata = metadata;
        this.notes = notes;
    }

    private record Copy(Luks2BinaryHeader header, Luks2Metadata metadata) {
    }

    // ---------------------------------------------------------------- open

    /**
     * Reads and validates the headers. A damaged primary header falls back to
     * the secondary copy (found at any of the allowed hdr_size offsets) and is
     * reported in {@link #notes()}; when both copies are unusable the error
     * names both problems.
     */
    public static Luks2Container open(ContainerRegion region) throws LivengException {
        Copy primary = null;
        Copy secondary = null;
        LivengException primaryError = null;
        LivengException secondaryError = null;
        try {
            primary = readCopy(region, 0, true);
        } catch (LivengException e) {
            primaryError = e;
        }
        long[] offsets = primary != null ? new long[] {primary.header().hdrSize()} : Luks2BinaryHeader.HDR_SIZES;
        for (long off : offsets) {
            if (off + Luks2BinaryHeader.SIZE > region.length()) {
                break;
            }
            byte[] magic = region.read(off, 6, "secondary LUKS2 header magic");
            if (!Arrays.equals(magic, Luks2BinaryHeader.MAGIC_2ND)) {
                if (primary != null) {
                    secondaryError = new FormatException(off, "secondary LUKS2 header at offset " + off + ": bad magic");
                }
                continue;
            }
            try {
                secondary = readCopy(region, off, false);
                secondaryError = null;
                break;
            } catch (LivengException e) {
                secondaryError = e;
            }
        }
        if (secondary == null && secondaryError == null) {
            secondaryError = new FormatException(-1, "no secondary LUKS2 header at any of the offsets 16 KiB .. 4 MiB");
        }
        List<String> notes = new ArrayList<>();
        if (primary == null && secondary == null) {
            if (!ErrorCodes.FORMAT.equals(primaryError.code())) {
                throw primaryError;
            }
            throw new FormatException(primaryError instanceof FormatException f ? f.offset() : 0,
                    "no usable LUKS2 header: primary: " + primaryError.getMessage() + "; secondary: " + secondaryError.getMessage(), primaryError);
        }
        Copy use;
        if (primary == null) {
            notes.add("primary header unusable, using the secondary copy: " + primaryError.getMessage());
            use = secondary;
        } else if (secondary == null) {
            notes.add("secondary header unusable: " + secondaryError.getMessage());
            use = primary;
        } else if (secondary.header().seqid() > primary.header().seqid()) {
            notes.add("secondary header is newer (seqid " + secondary.header().seqid() + " > " + primary.header().seqid() + "), using it");
            use = secondary;
        } else {
            use = primary;
        }
        SecureRandom r = new SecureRandom();
        byte[] s1 = primary != null ? primary.header().salt() : randomBytes(r, Luks2BinaryHeader.SALT_LEN);
        byte[] s2 = secondary != null ? secondary.header().salt() : randomBytes(r, Luks2BinaryHeader.SALT_LEN);
        return new Luks2Container(region, use.header(), s1, s2, use.metadata(), notes);
    }

    private static Copy readCopy(ContainerRegion region, long at, boolean primary) throws LivengException {
        String which = primary ? "primary" : "secondary";
        byte[] bin = region.read(at, Luks2BinaryHeader.SIZE, which + " LUKS2 header");
        Luks2BinaryHeader h = Luks2BinaryHeader.parse(bin, at);
        if (h.primary() != primary) {
            throw new FormatException(at, "LUKS2 header at offset " + at + " has the " + (primary ? "secondary" : "primary") + " magic");
        }
        if (!primary && h.hdrSize() != at) {
            throw new FormatException(at + Luks2BinaryHeader.OFF_HDR_SIZE, "secondary LUKS2 header at offset " + at + " has hdr_size " + h.hdrSize());
        }
        if (2 * h.hdrSize() > region.length()) {
            throw new FormatException(at + Luks2BinaryHeader.OFF_HDR_SIZE, which + " LUKS2 header: hdr_size " + h.hdrSize()
                    + " puts both copies beyond the end of the container (" + region.length() + " bytes)");
        }
        byte[] whole = region.read(at, (int) h.hdrSize(), which + " LUKS2 header and JSON area");
        Luks2BinaryHeader.verifyChecksum(whole, at);
        int end = Luks2BinaryHeader.SIZE;
        while (end < whole.length && whole[end] != 0) {
            end++;
        }
        if (end == whole.length) {
            throw new FormatException(at + Luks2BinaryHeader.SIZE, which + " LUKS2 JSON area at offset " + (at + Luks2BinaryHeader.SIZE)
                    + " is not NUL-terminated");
        }
        String text = new String(whole, Luks2BinaryHeader.SIZE, end - Luks2BinaryHeader.SIZE, StandardCharsets.UTF_8);
        Map<String, Object> json = Json.parseObject(text, at + Luks2BinaryHeader.SIZE);
        return new Copy(h, Luks2Metadata.parse(json, h.hdrSize(), region.length(), at + Luks2BinaryHeader.SIZE));
    }

    // ---------------------------------------------------------------- create

    /** Creates a container with a fresh random volume key and the passphrase in keyslot 0. */
    public static Luks2Container create(ContainerRegion region, Luks2Options o, Secret passphrase) throws LivengException {
        byte[] vk = randomBytes(o.random(), o.keyBits() / 8);
        try (VolumeKey key = new VolumeKey(vk)) {
            return create(region, o, passphrase, key);
        }
    }

    /**
     * Creates a container with the given volume key (like {@code cryptsetup
     * luksFormat --volume-key-file}). Writes zeros over the metadata area,
     * both header copies, and keyslot 0; the data segment is not touched.
     */
    public static Luks2Container create(ContainerRegion region, Luks2Options o, Secret passphrase, VolumeKey key) throws LivengException {
        checkOptions(region, o, key);
        SecureRandom random = o.random();
        String uuid = o.uuid() != null ? o.uuid() : randomUuid(random);
        byte[] digestSalt = randomBytes(random, SALT_BYTES);
        byte[] vk = key.copy();
        byte[] digest;
        try {
            digest = Kdf.pbkdf2("sha256", o.digestIterations()).derive(vk, digestSalt, 32);
        } finally {
            Arrays.fill(vk, (byte) 0);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("keyslots", new LinkedHashMap<String, Object>());
        json.put("tokens", new LinkedHashMap<String, Object>());
        Map<String, Object> seg = new LinkedHashMap<>();
        seg.put("type", "crypt");
        seg.put("offset", Long.toString(o.dataOffset()));
        seg.put("size", "dynamic");
        seg.put("iv_tweak", "0");
        seg.put("encryption", Luks2Metadata.XTS);
        seg.put("sector_size", (long) o.sectorSize());
        json.put("segments", new LinkedHashMap<>(Map.of("0", seg)));
        Map<String, Object> dig = new LinkedHashMap<>();
        dig.put("type", "pbkdf2");
        dig.put("keyslots", new ArrayList<Object>());
        dig.put("segments", new ArrayList<Object>(List.of("0")));
        dig.put("hash", "sha256");
        dig.put("iterations", o.digestIterations());
        dig.put("salt", Base64.getEncoder().encodeToString(digestSalt));
        dig.put("digest", Base64.getEncoder().encodeToString(digest));
        json.put("digests", new LinkedHashMap<>(Map.of("0", dig)));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("json_size", Long.toString(o.hdrSize() - Luks2BinaryHeader.SIZE));
        config.put("keyslots_size", Long.toString(o.keyslotsSize()));
        json.put("config", config);

        region.zero(0, o.metadataSize(), "LUKS2 metadata area");
        Luks2BinaryHeader h = new Luks2BinaryHeader(true, 2, o.hdrSize(), 0, o.label(), "sha256",
                randomBytes(random, Luks2BinaryHeader.SALT_LEN), uuid, "", 0, new byte[Luks2BinaryHeader.CSUM_LEN]);
        Luks2Container c = new Luks2Container(region, h, h.salt(), randomBytes(random, Luks2BinaryHeader.SALT_LEN), null, new ArrayList<>());
        byte[] pass = passphrase.copy();
        try {
            Map<String, Object> slot = c.writeKeyslotArea(json, key, pass, o.kdf(), random);
            keyslotsOf(json).put("0", slot);
            digestJson(json, 0).put("keyslots", new ArrayList<Object>(List.of("0")));
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
        c.writeHeaders(json);
        return open(region);
    }

    private static void checkOptions(ContainerRegion region, Luks2Options o, VolumeKey key) throws LivengException {
        List<String> bad = new ArrayList<>();
        if (o.keyBits() != 256 && o.keyBits() != 512) {
            bad.add("key size " + o.keyBits() + " bits (aes-xts-plain64 takes 256 or 512)");
        }
        if (key.length() * 8 != o.keyBits()) {
            bad.add("volume key of " + key.length() * 8 + " bits for a " + o.keyBits() + "-bit container");
        }
        if (o.sectorSize() < 512 || o.sectorSize() > 4096 || Integer.bitCount(o.sectorSize()) != 1) {
            bad.add("sector size " + o.sectorSize() + " (512, 1024, 2048 or 4096)");
        }
        if (!Luks2BinaryHeader.isValidHdrSize(o.hdrSize())) {
            bad.add("header size " + o.hdrSize() + " (16 KiB .. 4 MiB, a power of two)");
        }
        if (o.keyslotsSize() % 4096 != 0 || o.keyslotsSize() < Luks2Keyslot.areaSizeFor(o.keyBits() / 8, STRIPES)) {
            bad.add("keyslots area " + o.keyslotsSize() + " bytes (a multiple of 4096 holding at least one keyslot of "
                    + Luks2Keyslot.areaSizeFor(o.keyBits() / 8, STRIPES) + " bytes)");
        }
        if (o.dataOffset() != 0 && (o.dataOffset() < o.metadataSize() || o.dataOffset() % 4096 != 0)) {
            bad.add("data offset " + o.dataOffset() + " (0 for a detached header, else a multiple of 4096 at or after the metadata end "
                    + o.metadataSize() + ")");
        }
        long needed = o.dataOffset() == 0 ? o.metadataSize() : o.dataOffset() + o.sectorSize();
        if (region.length() < needed) {
            bad.add("container of " + region.length() + " bytes (needs at least " + needed + ")");
        }
        if (o.digestIterations() < 1000 || o.digestIterations() > Kdf.MAX_PBKDF2_ITERATIONS) {
            bad.add("digest iterations " + o.digestIterations() + " (1000.." + Kdf.MAX_PBKDF2_ITERATIONS + ")");
        }
        if (o.label() != null && o.label().length() >= Luks2BinaryHeader.LABEL_LEN) {
            bad.add("label longer than 47 characters");
        }
        if (!bad.isEmpty()) {
            throw new LivengException(ErrorCodes.USAGE, "cannot create a LUKS2 container with " + String.join("; ", bad));
        }
        o.kdf().check("new keyslot");
    }

    // ---------------------------------------------------------------- unlock

    /**
     * Keyslots of high priority are tried first; priority 0 ("ignore") slots
     * are skipped.
     */
    @Override
    public Unlocked unlock(byte[] passphrase) throws LivengException {
        List<Luks2Keyslot> order = new ArrayList<>();
        metadata.keyslots().values().stream().filter(k -> k.priority() == 2).forEach(order::add);
        metadata.keyslots().values().stream().filter(k -> k.priority() == 1).forEach(order::add);
        for (Luks2Keyslot k : order) {
            byte[] vk = openKeyslot(k, passphrase);
            if (vk != null) {
                return new Unlocked(k.id(), new VolumeKey(vk));
            }
        }
        throw new LivengException(ErrorCodes.USAGE, "no keyslot matches the passphrase (tried LUKS2 keyslots "
                + order.stream().map(k -> Integer.toString(k.id())).toList() + " of container " + header.uuid() + ")",
                "check the passphrase or key file");
    }

    private byte[] openKeyslot(Luks2Keyslot k, byte[] passphrase) throws LivengException {
        byte[] derived = k.kdf().derive(passphrase, k.kdfSalt(), k.areaKeySize());
        byte[] area = region.read(k.areaOffset(), (int) k.encryptedSize(), "keyslot " + k.id() + " area");
        try (AesXts x = new AesXts(derived)) {
            x.decrypt(area, 0, area.length, 0, KEYSLOT_SECTOR);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
        byte[] vk = AntiForensic.merge(area, k.keySize(), k.stripes(), k.afHash());
        Arrays.fill(area, (byte) 0);
        if (matchesDigest(metadata.digestOf(k.id()), vk)) {
            return vk;
        }
        Arrays.fill(vk, (byte) 0);
        return null;
    }

    private static boolean matchesDigest(Luks2Digest d, byte[] vk) throws LivengException {
        byte[] check = Kdf.pbkdf2(d.hash(), d.iterations()).derive(vk, d.salt(), d.digest().length);
        boolean ok = MessageDigest.isEqual(check, d.digest());
        Arrays.fill(check, (byte) 0);
        return ok;
    }

    /** A {@code USAGE} error unless {@code key} matches the data segment's digest. */
    public void verify(VolumeKey key) throws LivengException {
        int seg = metadata.dataSegment().id();
        byte[] vk = key.copy();
        try {
            for (Luks2Digest d : metadata.digests().values()) {
                if (d.segments().contains(seg) && matchesDigest(d, vk)) {
                    return;
                }
            }
        } finally {
            Arrays.fill(vk, (byte) 0);
        }
        throw new LivengException(ErrorCodes.USAGE, "the volume key does not match container " + header.uuid());
    }

    // ---------------------------------------------------------------- data

    /** The plaintext of the data segment, which lies in this container's region. */
    public CryptChannel openData(VolumeKey key) throws LivengException {
        Luks2Segment s = metadata.dataSegment();
        long metaEnd = 2 * header.hdrSize() + metadata.keyslotsSize();
        if (s.offset() < metaEnd) {
            throw new FormatException(s.offset(), "LUKS2 data segment at offset " + s.offset() + " overlaps the metadata ending at "
                    + metaEnd + (s.offset() == 0 ? " (a detached header: pass the data device)" : ""));
        }
        return openData(key, region);
    }

    /** The plaintext of the data segment on a separate data device (detached header). */
    public CryptChannel openData(VolumeKey key, ContainerRegion data) throws LivengException {
        verify(key);
        Luks2Segment s = metadata.dataSegment();
        if (s.offset() > data.length()) {
            throw new FormatException(s.offset(), "LUKS2 data segment offset " + s.offset() + " lies beyond the end of the data device ("
                    + data.length() + " bytes)");
        }
        long len = s.dynamic() ? (data.length() - s.offset()) / s.sectorSize() * s.sectorSize() : s.size();
        if (len > data.length() - s.offset()) {
            throw new FormatException(s.offset(), "LUKS2 data segment [" + s.offset() + ", " + (s.offset() + len)
                    + ") extends beyond the end of the data device (" + data.length() + " bytes)");
        }
        ContainerRegion segment = new ContainerRegion(data.channel(), data.offset() + s.offset(), len);
        return new CryptChannel(segment, len, s.sectorSize(), s.ivTweak(), key);
    }

    /**
     * Encrypts the data ranges of a sparse plaintext image into the data
     * segment (see {@link CryptChannel#encryptRanges}); holes stay untouched.
     */
    public long encryptRanges(VolumeKey key, FileChannel plaintext, List<DataRange> ranges) throws LivengException {
        try (CryptChannel c = openData(key)) {
            return c.encryptRanges(plaintext, ranges);
        }
    }

    // ---------------------------------------------------------------- keyslots

    /** Adds a keyslot for {@code passphrase} at the lowest free number; returns it. */
    public int addKeyslot(VolumeKey key, Secret passphrase, Kdf kdf, SecureRandom random) throws LivengException {
        verify(key);
        kdf.check("new keyslot");
        Map<String, Object> json = copyJson();
        int id = 0;
        while (keyslotsOf(json).containsKey(Integer.toString(id))) {
            id++;
        }
        if (id >= Luks2Metadata.MAX_IDS) {
            throw new LivengException(ErrorCodes.USAGE, "all " + Luks2Metadata.MAX_IDS + " LUKS2 keyslots are in use");
        }
        byte[] pass = passphrase.copy();
        try {
            keyslotsOf(json).put(Integer.toString(id), writeKeyslotArea(json, key, pass, kdf, random));
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
        addToDigest(json, id);
        writeHeaders(json);
        return id;
    }

    /**
     * Replaces the passphrase of the keyslot that {@code oldPassphrase} opens:
     * the new key material goes to a free area first, the header then points
     * the same keyslot number at it, and the old area is wiped.
     *
     * @param kdf the new KDF, or {@code null} to keep the old keyslot's
     * @return the keyslot number
     */
    public int changePassphrase(Secret oldPassphrase, Secret newPassphrase, Kdf kdf, SecureRandom random) throws LivengException {
        try (Unlocked u = unlock(oldPassphrase)) {
            Luks2Keyslot old = metadata.keyslots().get(u.keyslot());
            Kdf k = kdf != null ? kdf : old.kdf();
            k.check("changed keyslot");
            Map<String, Object> json = copyJson();
            byte[] pass = newPassphrase.copy();
            try {
                Map<String, Object> slot = writeKeyslotArea(json, u.key(), pass, k, random);
                keyslotsOf(json).put(Integer.toString(u.keyslot()), slot);
            } finally {
                Arrays.fill(pass, (byte) 0);
            }
            writeHeaders(json);
            region.zero(old.areaOffset(), old.areaSize(), "old keyslot " + old.id() + " area");
            return u.keyslot();
        }
    }

    /**
     * Removes keyslot {@code id} and wipes its area. Removing the last keyslot
     * is refused: the data could never be opened again.
     */
    public void removeKeyslot(int id) throws LivengException {
        Luks2Keyslot k = metadata.keyslots().get(id);
        if (k == null) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "LUKS2 keyslot " + id + " is not in use (in use: " + metadata.keyslots().keySet() + ")");
        }
        if (metadata.keyslots().size() == 1) {
            throw new LivengException(ErrorCodes.USAGE, "refusing to remove keyslot " + id + ", the last one: the data would be lost",
                    "add another passphrase first");
        }
        Map<String, Object> json = copyJson();
        keyslotsOf(json).remove(Integer.toString(id));
        for (Object d : ((Map<?, ?>) json.get("digests")).values()) {
            ((List<?>) ((Map<?, ?>) d).get("keyslots")).remove(Integer.toString(id));
        }
        writeHeaders(json);
        region.zero(k.areaOffset(), k.areaSize(), "keyslot " + id + " area");
    }

    /** Removes the keyslot that {@code passphrase} opens; returns its number. */
    public int removePassphrase(Secret passphrase) throws LivengException {
        int id;
        try (Unlocked u = unlock(passphrase)) {
            id = u.keyslot();
        }
        removeKeyslot(id);
        return id;
    }

    /** Writes the split, encrypted key to a free area and returns the keyslot's JSON. */
    private Map<String, Object> writeKeyslotArea(Map<String, Object> json, VolumeKey key, byte[] pass, Kdf kdf, SecureRandom random)
            throws LivengException {
        int keySize = key.length();
        long size = Luks2Keyslot.areaSizeFor(keySize, STRIPES);
        long offset = freeArea(json, size);
        byte[] salt = randomBytes(random, SALT_BYTES);
        byte[] vk = key.copy();
        byte[] material = AntiForensic.split(vk, STRIPES, "sha256", random);
        Arrays.fill(vk, (byte) 0);
        byte[] area = Arrays.copyOf(material, (material.length + KEYSLOT_SECTOR - 1) / KEYSLOT_SECTOR * KEYSLOT_SECTOR);
        Arrays.fill(material, (byte) 0);
        byte[] derived = kdf.derive(pass, salt, keySize);
        try (AesXts x = new AesXts(derived)) {
            x.encrypt(area, 0, area.length, 0, KEYSLOT_SECTOR);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
        region.write(offset, area, 0, area.length, "keyslot area");
        Map<String, Object> slot = new LinkedHashMap<>();
        slot.put("type", "luks2");
        slot.put("key_size", (long) keySize);
        Map<String, Object> af = new LinkedHashMap<>();
        af.put("type", "luks1");
        af.put("stripes", (long) STRIPES);
        af.put("hash", "sha256");
        slot.put("af", af);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", "raw");
        a.put("offset", Long.toString(offset));
        a.put("size", Long.toString(size));
        a.put("encryption", Luks2Metadata.XTS);
        a.put("key_size", (long) keySize);
        slot.put("area", a);
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("type", kdf.type());
        if (kdf.isArgon2()) {
            k.put("time", kdf.iterations());
            k.put("memory", kdf.memoryKiB());
            k.put("cpus", (long) kdf.cpus());
        } else {
            k.put("hash", kdf.hash());
            k.put("iterations", kdf.iterations());
        }
        k.put("salt", Base64.getEncoder().encodeToString(salt));
        slot.put("kdf", k);
        return slot;
    }

    /** The lowest 4096-aligned gap of {@code size} bytes in the keyslots area not used by any keyslot of {@code json}. */
    private long freeArea(Map<String, Object> json, long size) throws LivengException {
        long start = 2 * header.hdrSize();
        long end = start + Long.parseLong((String) ((Map<?, ?>) json.get("config")).get("keyslots_size"));
        List<long[]> used = new ArrayList<>();
        for (Object o : keyslotsOf(json).values()) {
            Map<?, ?> area = (Map<?, ?>) ((Map<?, ?>) o).get("area");
            long off = Long.parseLong((String) area.get("offset"));
            used.add(new long[] {off, off + Long.parseLong((String) area.get("size"))});
        }
        used.sort((a, b) -> Long.compare(a[0], b[0]));
        long candidate = start;
        for (long[] u : used) {
            if (candidate + size <= u[0]) {
                break;
            }
            candidate = Math.max(candidate, (u[1] + 4095) / 4096 * 4096);
        }
        if (candidate + size > end) {
            throw new LivengException(ErrorCodes.USAGE, "no room for another keyslot of " + size + " bytes in the keyslots area [" + start
                    + ", " + end + ")");
        }
        return candidate;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> keyslotsOf(Map<String, Object> json) {
        return (Map<String, Object>) json.get("keyslots");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> digestJson(Map<String, Object> json, int id) {
        return (Map<String, Object>) ((Map<String, Object>) json.get("digests")).get(Integer.toString(id));
    }

    @SuppressWarnings("unchecked")
    private void addToDigest(Map<String, Object> json, int keyslot) throws LivengException {
        int seg = metadata.dataSegment().id();
        for (Luks2Digest d : metadata.digests().values()) {
            if (d.segments().contains(seg)) {
                ((List<Object>) digestJson(json, d.id()).get("keyslots")).add(Integer.toString(keyslot));
                return;
            }
        }
        throw new LivengException(ErrorCodes.FORMAT, "LUKS2 header has no digest for the data segment");
    }

    private Map<String, Object> copyJson() throws FormatException {
        return Json.parseObject(Json.write(metadata.json()), -1);
    }

    /** Validates {@code json}, then writes both header copies with the next seqid. */
    private void writeHeaders(Map<String, Object> json) throws LivengException {
        Luks2Metadata m = Luks2Metadata.parse(json, header.hdrSize(), region.length(), Luks2BinaryHeader.SIZE);
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        if (text.length >= header.hdrSize() - Luks2BinaryHeader.SIZE) {
            throw new LivengException(ErrorCodes.USAGE, "the LUKS2 metadata (" + text.length + " bytes) no longer fits the JSON area of "
                    + (header.hdrSize() - Luks2BinaryHeader.SIZE) + " bytes");
        }
        long seq = header.seqid() + 1;
        Luks2BinaryHeader h1 = header.asCopy(true, salt1st, seq);
        Luks2BinaryHeader h2 = header.asCopy(false, salt2nd, seq);
        byte[] b1 = h1.toBytes(text);
        byte[] b2 = h2.toBytes(text);
        region.write(0, b1, 0, b1.length, "primary LUKS2 header");
        region.write(header.hdrSize(), b2, 0, b2.length, "secondary LUKS2 header");
        header = h1;
        metadata = m;
        notes.clear();
    }

    // ---------------------------------------------------------------- backup

    /**
     * Writes both header copies and the keyslots area to a new file (mode
     * 0600), like {@code cryptsetup luksHeaderBackup}; an existing file is
     * never overwritten. The file is itself a valid detached LUKS2 header.
     */
    public void backupHeader(Path file) throws LivengException {
        long size = metadataSize();
        try (FileChannel out = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ContainerRegion dst = new ContainerRegion(out, 0, size);
            copy(region, dst, size);
            out.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new LivengException(ErrorCodes.USAGE, "header backup file " + file + " already exists; refusing to overwrite it");
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot write the header backup " + file + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Restores a header backup into {@code target}. The backup must be a valid
     * LUKS2 header; if the target still has a readable LUKS2 header, both must
     * have the same UUID and data offset.
     */
    public static Luks2Container restoreHeader(ContainerRegion target, Path file) throws LivengException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ContainerRegion src = ContainerRegion.whole(in);
            Luks2Container backup = open(src);
            long size = backup.metadataSize();
            if (size > target.length()) {
                throw new LivengException(ErrorCodes.USAGE, "header backup " + file + " (" + size + " bytes of metadata) does not fit the container of "
                        + target.length() + " bytes");
            }
            Luks2Container current = null;
            try {
                current = open(target);
            } catch (FormatException e) {
                // nothing readable to compare with: the usual reason to restore
            }
            if (current != null) {
                if (!current.uuid().equals(backup.uuid())) {
                    throw new LivengException(ErrorCodes.USAGE, "header backup " + file + " is for container " + backup.uuid()
                            + ", the target is " + current.uuid(), "restore the right backup");
                }
                if (current.metadata.dataSegment().offset() != backup.metadata.dataSegment().offset()) {
                    throw new LivengException(ErrorCodes.USAGE, "header backup " + file + " puts the data at "
                            + backup.metadata.dataSegment().offset() + ", the container at " + current.metadata.dataSegment().offset());
                }
            }
            copy(src, target, size);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read the header backup " + file + ": " + e.getMessage(), null, e);
        }
        return open(target);
    }

    private static void copy(ContainerRegion from, ContainerRegion to, long size) throws LivengException {
        byte[] buf = new byte[1 << 20];
        for (long p = 0; p < size; ) {
            int n = (int) Math.min(buf.length, size - p);
            from.read(p, buf, 0, n, "LUKS2 metadata");
            to.write(p, buf, 0, n, "LUKS2 metadata");
            p += n;
        }
    }

    // ---------------------------------------------------------------- info

    public Luks2BinaryHeader header() {
        return header;
    }

    public Luks2Metadata metadata() {
        return metadata;
    }

    public String uuid() {
        return header.uuid();
    }

    public String label() {
        return header.label();
    }

    /** Both header copies and the keyslots area. */
    public long metadataSize() {
        return 2 * header.hdrSize() + metadata.keyslotsSize();
    }

    /** What {@link #open} noticed and worked around (a damaged copy), empty when all is well. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** A text dump in the layout of {@code cryptsetup luksDump}. */
    public String dump() {
        return Luks2Dump.text(header, metadata);
    }

    /** The JSON metadata, pretty-printed (what {@code cryptsetup luksDump --dump-json-metadata} shows). */
    public String dumpJson() {
        return Json.pretty(metadata.json());
    }

    static byte[] randomBytes(SecureRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A version 4 UUID from {@code r} (reproducible with a seeded source). */
    public static String randomUuid(SecureRandom r) {
        byte[] b = randomBytes(r, 16);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        long hi = java.nio.ByteBuffer.wrap(b).getLong(0);
        long lo = java.nio.ByteBuffer.wrap(b).getLong(8);
        return new UUID(hi, lo).toString();
    }
}
