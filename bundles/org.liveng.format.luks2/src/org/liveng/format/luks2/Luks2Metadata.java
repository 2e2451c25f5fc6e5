package org.liveng.format.luks2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/**
 * The validated JSON metadata of a LUKS2 header (LUKS2 On-Disk Format
 * Specification, section 3): keyslots, segments, digests and config, with
 * every offset, size and cost checked against the header and the container
 * before anything trusts it. Unknown members (tokens, flags) are kept in
 * {@link #json()} so a rewrite preserves them.
 */
public final class Luks2Metadata {
    public static final int MAX_IDS = 32;
    public static final String XTS = "aes-xts-plain64";

    private final Map<String, Object> json;
    private final long jsonSize;
    private final long keyslotsSize;
    private final SortedMap<Integer, Luks2Keyslot> keyslots;
    private final SortedMap<Integer, Luks2Segment> segments;
    private final SortedMap<Integer, Luks2Digest> digests;

    private Luks2Metadata(Map<String, Object> json, long jsonSize, long keyslotsSize, SortedMap<Integer, Luks2Keyslot> keyslots,
            SortedMap<Integer, Luks2Segment> segments, SortedMap<Integer, Luks2Digest> digests) {
        this.json = json;
        this.jsonSize = jsonSize;
        this.keyslotsSize = keyslotsSize;
        this.keyslots = Collections.unmodifiableSortedMap(keyslots);
        this.segments = Collections.unmodifiableSortedMap(segments);
        this.digests = Collections.unmodifiableSortedMap(digests);
    }

    /**
     * Validates {@code json} for a header of {@code hdrSize} in a container of
     * {@code containerLength} bytes.
     *
     * @param at the JSON area's offset in the container, for messages
     */
    public static Luks2Metadata parse(Map<String, Object> json, long hdrSize, long containerLength, long at) throws LivengException {
        Fields root = new Fields(json, "", at);
        Fields config = root.obj("config");
        long jsonSize = config.u64("json_size");
        if (jsonSize != hdrSize - Luks2BinaryHeader.SIZE) {
            throw config.error("json_size", "is " + jsonSize + " but the binary header's hdr_size " + hdrSize + " leaves "
                    + (hdrSize - Luks2BinaryHeader.SIZE));
        }
        long keyslotsSize = config.u64("keyslots_size");
        long areaStart = 2 * hdrSize;
        if (keyslotsSize % 4096 != 0) {
            throw config.error("keyslots_size", keyslotsSize + " is not a multiple of 4096");
        }
        if (keyslotsSize > containerLength - areaStart) {
            throw config.error("keyslots_size", "puts the keyslots area [" + areaStart + ", " + (areaStart + keyslotsSize)
                    + ") beyond the end of the container (" + containerLength + " bytes)");
        }
        if (config.has("requirements")) {
            Fields req = config.obj("requirements");
            if (req.has("mandatory") && !req.strings("mandatory").isEmpty()) {
                throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS2 header requires " + req.strings("mandatory")
                        + " (for example an unfinished reencryption); liveng does not handle that",
                        "finish it with cryptsetup (cryptsetup reencrypt --resume-only)");
            }
        }
        root.obj("tokens");

        SortedMap<Integer, Luks2Keyslot> keyslots = new TreeMap<>();
        Fields ks = root.obj("keyslots");
        for (String id : ks.map().keySet()) {
            Luks2Keyslot k = keyslot(ks.obj(id), id(id, ks), areaStart, keyslotsSize);
            keyslots.put(k.id(), k);
        }
        List<Luks2Keyslot> byArea = new ArrayList<>(keyslots.values());
        byArea.sort((a, b) -> Long.compare(a.areaOffset(), b.areaOffset()));
        for (int i = 1; i < byArea.size(); i++) {
            Luks2Keyslot p = byArea.get(i - 1);
            Luks2Keyslot q = byArea.get(i);
            if (q.areaOffset() < p.areaOffset() + p.areaSize()) {
                throw ks.error("keyslot " + p.id() + " and keyslot " + q.id() + " areas overlap");
            }
        }

        SortedMap<Integer, Luks2Segment> segments = new TreeMap<>();
        Fields ss = root.obj("segments");
        for (String id : ss.map().keySet()) {
            Luks2Segment s = segment(ss.obj(id), id(id, ss));
            segments.put(s.id(), s);
        }

        SortedMap<Integer, Luks2Digest> digests = new TreeMap<>();
        Fields ds = root.obj("digests");
        for (String id : ds.map().keySet()) {
            Luks2Digest d = digest(ds.obj(id), id(id, ds), keyslots, segments);
            digests.put(d.id(), d);
        }
        for (Luks2Keyslot k : keyslots.values()) {
            if (digests.values().stream().noneMatch(d -> d.keyslots().contains(k.id()))) {
                throw ks.error("keyslot " + k.id() + " has no digest");
            }
        }
        return new Luks2Metadata(json, jsonSize, keyslotsSize, keyslots, segments, digests);
    }

    private static int id(String id, Fields parent) throws FormatException {
        if (!id.matches("[0-9]{1,2}") || Integer.parseInt(id) >= MAX_IDS) {
            throw parent.error("has id \"" + id + "\", expected 0.." + (MAX_IDS - 1));
        }
        return Integer.parseInt(id);
    }

    private static Luks2Keyslot keyslot(Fields k, int id, long areaStart, long keyslotsSize) throws LivengException {
        String type = k.str("type");
        if (!"luks2".equals(type)) {
            throw k.error("type", "\"" + type + "\" is not supported (luks2 is)");
        }
        int keySize = (int) k.num("key_size", 1, 512);
        if (keySize != 32 && keySize != 64) {
            throw k.error("key_size", keySize + " does not fit aes-xts-plain64 (32 or 64 bytes)");
        }
        int priority = k.has("priority") ? (int) k.num("priority", 0, 2) : 1;
        Fields af = k.obj("af");
        if (!"luks1".equals(af.str("type"))) {
            throw af.error("type", "\"" + af.str("type") + "\" is not supported (luks1 is)");
        }
        int stripes = (int) af.num("stripes", 1, 65536);
        String afHash = af.str("hash");
        if (!Kdf.isKnownHash(afHash)) {
            throw af.error("hash", "\"" + afHash + "\" is not supported (sha1, sha256, sha512)");
        }
        Fields area = k.obj("area");
        if (!"raw".equals(area.str("type"))) {
            throw area.error("type", "\"" + area.str("type") + "\" is not supported (raw is)");
        }
        long off = area.u64("offset");
        long size = area.u64("size");
        if (off < areaStart || off % 512 != 0 || size > areaStart + keyslotsSize - off) {
            throw area.error("[" + off + ", " + (off + size) + ") lies outside the keyslots area [" + areaStart + ", "
                    + (areaStart + keyslotsSize) + ") or is not 512-byte aligned");
        }
        String enc = area.str("encryption");
        if (!XTS.equals(enc)) {
            throw area.error("encryption", "\"" + enc + "\" is not supported (" + XTS + " is)");
        }
        int areaKeySize = (int) area.num("key_size", 1, 512);
        if (areaKeySize != 32 && areaKeySize != 64) {
            throw area.error("key_size", areaKeySize + " does not fit " + XTS + " (32 or 64 bytes)");
        }
        long needed = ((long) keySize * stripes + 511) / 512 * 512;
        if (size < needed) {
            throw area.error("size", size + " is smaller than the " + needed + " bytes of split key material");
        }
        Fields kdfJson = k.obj("kdf");
        String kdfType = kdfJson.str("type");
        Kdf kdf;
        if (Kdf.PBKDF2.equals(kdfType)) {
            kdf = Kdf.pbkdf2(kdfJson.str("hash"), kdfJson.num("iterations", 1, Long.MAX_VALUE));
        } else if (Kdf.ARGON2I.equals(kdfType) || Kdf.ARGON2ID.equals(kdfType)) {
            kdf = new Kdf(kdfType, null, kdfJson.num("time", 1, Long.MAX_VALUE), kdfJson.num("memory", 1, Long.MAX_VALUE),
                    (int) kdfJson.num("cpus", 1, Integer.MAX_VALUE));
        } else {
            throw kdfJson.error("type", "\"" + kdfType + "\" is not a known KDF (pbkdf2, argon2i, argon2id)");
        }
        try {
            kdf.check("keyslot " + id + " kdf");
        } catch (LivengException e) {
            throw kdfJson.error(": " + e.getMessage());
        }
        byte[] salt = kdfJson.base64("salt", 256);
        return new Luks2Keyslot(id, keySize, priority, afHash, stripes, off, size, enc, areaKeySize, kdf, salt);
    }

    private static Luks2Segment segment(Fields s, int id) throws LivengException {
        String type = s.str("type");
        if (!"crypt".equals(type)) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS2 metadata: " + s.path() + ".type \"" + type
                    + "\" is not supported (crypt is)");
        }
        int sectorSize = (int) s.num("sector_size", 512, 4096);
        if (Integer.bitCount(sectorSize) != 1) {
            throw s.error("sector_size", sectorSize + " is not 512, 1024, 2048 or 4096");
        }
        long offset = s.u64("offset");
        if (offset % sectorSize != 0) {
            throw s.error("offset", offset + " is not a multiple of the sector size " + sectorSize);
        }
        String sizeText = s.str("size");
        long size = "dynamic".equals(sizeText) ? -1 : s.parseU64(sizeText, "size");
        if (size >= 0 && size % sectorSize != 0) {
            throw s.error("size", size + " is not a multiple of the sector size " + sectorSize);
        }
        long ivTweak = s.u64("iv_tweak");
        String enc = s.str("encryption");
        if (!XTS.equals(enc)) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS2 metadata: " + s.path() + ".encryption \"" + enc
                    + "\" is not supported (" + XTS + " is)");
        }
        return new Luks2Segment(id, offset, size, ivTweak, enc, sectorSize);
    }

    private static Luks2Digest digest(Fields d, int id, Map<Integer, Luks2Keyslot> keyslots, Map<Integer, Luks2Segment> segments)
            throws FormatException {
        if (!"pbkdf2".equals(d.str("type"))) {
            throw d.error("type", "\"" + d.str("type") + "\" is not supported (pbkdf2 is)");
        }
        String hash = d.str("hash");
        if (!Kdf.isKnownHash(hash)) {
            throw d.error("hash", "\"" + hash + "\" is not supported (sha1, sha256, sha512)");
        }
        long iterations = d.num("iterations", 1, Kdf.MAX_PBKDF2_ITERATIONS);
        List<Integer> ks = new ArrayList<>();
        for (String k : d.strings("keyslots")) {
            int i = id(k, d);
            if (!keyslots.containsKey(i)) {
                throw d.error("keyslots", "names keyslot " + k + ", which does not exist");
            }
            ks.add(i);
        }
        List<Integer> segs = new ArrayList<>();
        for (String s : d.strings("segments")) {
            int i = id(s, d);
            if (!segments.containsKey(i)) {
                throw d.error("segments", "names segment " + s + ", which does not exist");
            }
            segs.add(i);
        }
        byte[] salt = d.base64("salt", 256);
        byte[] digest = d.base64("digest", 64);
        if (digest.length == 0) {
            throw d.error("digest", "is empty");
        }
        return new Luks2Digest(id, List.copyOf(ks), List.copyOf(segs), hash, iterations, salt, digest);
    }

    /** The JSON tree as read (mutable by the container when it rewrites the header). */
    Map<String, Object> json() {
        return json;
    }

    public long jsonSize() {
        return jsonSize;
    }

    public long keyslotsSize() {
        return keyslotsSize;
    }

    public SortedMap<Integer, Luks2Keyslot> keyslots() {
        return keyslots;
    }

    public SortedMap<Integer, Luks2Segment> segments() {
        return segments;
    }

    public SortedMap<Integer, Luks2Digest> digests() {
        return digests;
    }

    /** The digest that verifies keyslot {@code id}. */
    public Luks2Digest digestOf(int keyslot) {
        return digests.values().stream().filter(d -> d.keyslots().contains(keyslot)).findFirst().orElseThrow();
    }

    /** The (first) data segment, or an {@code UNSUPPORTED} error if there is none. */
    public Luks2Segment dataSegment() throws LivengException {
        if (segments.isEmpty()) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS2 header has no data segment");
        }
        return segments.get(segments.firstKey());
    }
}
