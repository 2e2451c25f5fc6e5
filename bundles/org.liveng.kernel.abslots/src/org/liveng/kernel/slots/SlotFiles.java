package org.liveng.kernel.slots;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.kernel.StickAccess;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.Reproducible;
import org.liveng.format.iso9660.IsoImage;
import org.liveng.format.iso9660.IsoWriter;
import org.liveng.format.iso9660.IsoWriterOptions;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Writes and reads kernel slots. A slot is an ISO 9660 filesystem on its partition with the slot's fixed UUID (GRUB finds
 * it by that UUID), holding {@value #KERNEL}, {@value #INITRD} and the manifest {@value #MANIFEST} (slot id, kernel
 * release, generation, SHA-256 of each file). A slot is valid when it parses, carries its UUID and both files match the
 * manifest.
 */
public final class SlotFiles {
    public static final String KERNEL = "/live/vmlinuz";
    public static final String INITRD = "/live/initrd.img";
    public static final String MANIFEST = "/liveng/slot.json";
    private static final int MAX_MANIFEST = 64 * 1024;

    /** The GPT name of the persistence partition, which holds the modules of every kernel installed by an update. */
    public static final String PERSISTENCE = "persistence";
    /** {@link Manifest#modules()}: the kernel's modules are in the live system's squashfs (the ISO's own kernel). */
    public static final String MODULES_SYSTEM = "system";
    /** {@link Manifest#modules()}: the modules were installed into the persistence named by {@link Manifest#persistence()}. */
    public static final String MODULES_PERSISTENCE = "persistence";
    /** {@link Manifest#modules()}: an update on a stick without persistence: the kernel has only what its initrd holds. */
    public static final String MODULES_NOWHERE = "initrd-only";

    /**
     * The slot manifest.
     *
     * @param modules where the kernel's modules are: {@link #MODULES_SYSTEM}, {@link #MODULES_PERSISTENCE} or
     *        {@link #MODULES_NOWHERE} (absent in manifests of older liveng: treated as system)
     * @param persistence the PARTUUID of the persistence the kernel was installed with, when modules are there
     */
    public record Manifest(String slot, String kernel, long generation, Map<String, String> files, String modules, String persistence) {
    }

    private SlotFiles() {
    }

    /**
     * Writes a slot with the ISO's own kernel, whose modules are in the live system (forge time).
     *
     * @see #write(StickAccess, SlotSpec, String, KernelImage, long, Recipe, boolean)
     */
    public static void write(StickAccess stick, SlotSpec slot, String id, KernelImage kernel, long generation, Recipe recipe)
            throws LivengException {
        write(stick, slot, id, kernel, generation, recipe, false);
    }

    /**
     * Writes a slot filesystem, syncs, and reads it back: the kernel and initrd must match what was meant to be written.
     *
     * @param update whether the kernel is an update, whose modules go into the stick's persistence: the manifest then
     *        binds the slot to that persistence (its PARTUUID), which {@code verify} checks
     */
    public static void write(StickAccess stick, SlotSpec slot, String id, KernelImage kernel, long generation, Recipe recipe,
            boolean update) throws LivengException {
        String persistence = update ? stick.partitionGuid(PERSISTENCE).orElse(null) : null;
        String modules = !update ? MODULES_SYSTEM : persistence != null ? MODULES_PERSISTENCE : MODULES_NOWHERE;
        // the files are hashed while the ISO writer streams them; the manifest comes after them in the image (directory
        // LIVENG sorts after LIVE), has a fixed size (hex digests), and is built from those hashes when it is written
        HashedContent k = new HashedContent(kernel.kernel());
        HashedContent i = new HashedContent(kernel.initrd());
        String zeros = "0".repeat(64);
        Manifest draft = new Manifest(id, kernel.version(), generation, files(zeros, zeros), modules, persistence);
        long manifestSize = json(draft).length;
        Content manifest = Content.of(manifestSize, () -> new java.io.ByteArrayInputStream(json(new Manifest(id, kernel.version(),
                generation, files(k.sha256(), i.sha256()), modules, persistence))), "slot manifest");
        Instant t = Reproducible.time(recipe);
        long capacity = stick.partitionSize(slot.name());
        IsoWriter w = new IsoWriter(IsoWriterOptions.builder().volumeId(slot.volumeId()).modifiedFromUuid(slot.uuid()).created(t)
                .fileTime(t).capacity(capacity).build());
        w.add(new FileSpec(KERNEL, k));
        w.add(new FileSpec(INITRD, i));
        w.add(new FileSpec(MANIFEST, manifest));
        try {
            w.write(stick.partition(slot.name()), 0);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "writing " + slot.name() + " failed: " + e.getMessage(), null, e);
        }
        stick.sync();
        SlotInfo back = read(stick, slot, id);
        if (!back.valid()) {
            throw new LivengException(ErrorCodes.IO, slot.name() + " does not read back as written: " + back.problem());
        }
        if (!back.version().equals(kernel.version()) || back.generation() != generation) {
            throw new LivengException(ErrorCodes.IO, slot.name() + " reads back with kernel " + back.version() + " generation "
                    + back.generation() + ", expected " + kernel.version() + " generation " + generation);
        }
    }

    private static Map<String, String> files(String kernelSha, String initrdSha) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(KERNEL, kernelSha);
        files.put(INITRD, initrdSha);
        return files;
    }

    private static byte[] json(Manifest m) {
        return (new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a slot back and checks it; never throws for what the slot holds (a damaged slot is reported invalid). */
    public static SlotInfo read(StickAccess stick, SlotSpec slot, String id) throws LivengException {
        return read(stick, slot, id, true);
    }

    /**
     * The slot's manifest as its filesystem states it, without hashing the files (to pick a slot and compare versions;
     * {@link SlotInfo#valid()} then only says that the filesystem and manifest read).
     */
    public static SlotInfo manifest(StickAccess stick, SlotSpec slot, String id) throws LivengException {
        return read(stick, slot, id, false);
    }

    private static SlotInfo read(StickAccess stick, SlotSpec slot, String id, boolean hashes) throws LivengException {
        if (blank(stick, slot)) {
            return invalid(slot, id, "empty (no slot filesystem)");
        }
        try (IsoImage img = IsoImage.open(stick.partition(slot.name()), slot.name())) {
            if (!slot.uuid().equals(img.uuid())) {
                return invalid(slot, id, "UUID " + img.uuid() + ", expected " + slot.uuid());
            }
            var me = img.lookup(MANIFEST);
            if (me.isEmpty() || me.get().size() > MAX_MANIFEST) {
                return invalid(slot, id, "no manifest " + MANIFEST);
            }
            Manifest m = manifest(img);
            if (m == null) {
                return invalid(slot, id, MANIFEST + " lacks kernel or files");
            }
            for (String path : hashes ? List.of(KERNEL, INITRD) : List.<String>of()) {
                var e = img.lookup(path);
                if (e.isEmpty()) {
                    return new SlotInfo(id, slot.name(), m.kernel(), m.generation(), false, "no " + path);
                }
                String actual;
                try (InputStream in = img.open(e.get())) {
                    actual = sha256(in);
                }
                if (!actual.equals(m.files().get(path))) {
                    return new SlotInfo(id, slot.name(), m.kernel(), m.generation(), false,
                            path + " has SHA-256 " + actual + ", the manifest says " + m.files().get(path));
                }
            }
            return new SlotInfo(id, slot.name(), m.kernel(), m.generation(), true, "");
        } catch (IOException | FormatException | RuntimeException e) {
            return invalid(slot, id, "not a readable slot filesystem (" + e.getMessage() + ")");
        }
    }

    /**
     * The manifest the slot's filesystem holds, when the filesystem and the manifest read and the filesystem carries the
     * slot's UUID; the files are not hashed (a repair takes the kernel release and where its modules are from it).
     */
    public static Optional<Manifest> recorded(StickAccess stick, SlotSpec slot) throws LivengException {
        if (blank(stick, slot)) {
            return Optional.empty();
        }
        try (IsoImage img = IsoImage.open(stick.partition(slot.name()), slot.name())) {
            return slot.uuid().equals(img.uuid()) ? Optional.ofNullable(manifest(img)) : Optional.empty();
        } catch (IOException | FormatException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The slot manifest of a slot filesystem, null when it is missing, too large or lacks the kernel or files. */
    private static Manifest manifest(IsoImage img) throws IOException, FormatException {
        var me = img.lookup(MANIFEST);
        if (me.isEmpty() || me.get().size() > MAX_MANIFEST) {
            return null;
        }
        Manifest m;
        try (InputStream in = img.open(me.get())) {
            m = new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), Manifest.class);
        }
        return m == null || m.kernel() == null || m.files() == null ? null : m;
    }

    /** Whether the slot's ISO 9660 volume descriptor sector is all zeros (never written, or wiped by forge). */
    private static boolean blank(StickAccess stick, SlotSpec slot) throws LivengException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2048);
        try (var ch = stick.partition(slot.name())) {
            ch.position(16 * 2048L);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // a short partition reads as blank below
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + slot.name() + " failed: " + e.getMessage(), null, e);
        }
        for (byte x : b.array()) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static SlotInfo invalid(SlotSpec slot, String id, String problem) {
        return new SlotInfo(id, slot.name(), "", 0, false, problem);
    }

    public static String sha256(Content c) throws LivengException {
        try (InputStream in = c.open()) {
            return sha256(in);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + c.describe() + " failed: " + e.getMessage(), null, e);
        }
    }

    public static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, md)) {
                d.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
