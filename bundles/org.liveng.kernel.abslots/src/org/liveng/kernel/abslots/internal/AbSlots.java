package org.liveng.kernel.abslots.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdateStrategy;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.kernel.StickAccess;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Reproducible;
import org.liveng.format.iso9660.IsoImage;
import org.liveng.format.iso9660.IsoWriter;
import org.liveng.format.iso9660.IsoWriterOptions;
import org.osgi.service.component.annotations.Component;

/** {@code ab-slots}: two kernel slots, boot counting, automatic fallback. */
@Component(service = KernelUpdateStrategy.class, property = "liveng.id=ab-slots")
public final class AbSlots implements KernelUpdateStrategy {
    static final List<String> IDS = List.of("a", "b");
    static final String KERNEL = "/live/vmlinuz";
    static final String INITRD = "/live/initrd.img";
    static final String MANIFEST = "/liveng/slot.json";

    @Override
    public String id() {
        return "ab-slots";
    }

    @Override
    public String description() {
        return "two kernel slots (A/B) with boot counting and automatic fallback";
    }

    static String partitionName(String id) {
        return "LIVENG_KERNEL_" + id.toUpperCase(Locale.ROOT);
    }

    @Override
    public List<SlotSpec> slots(Recipe recipe) {
        long size = parseSize(recipe.get(RecipeSettings.SLOT_SIZE));
        return IDS.stream().map(id -> new SlotSpec(partitionName(id), size, partitionName(id),
                Reproducible.isoUuid(recipe, "kernel-slot-" + id))).toList();
    }

    @Override
    public List<BootEntry> bootEntries(Recipe recipe, List<String> baseArgs) {
        return slots(recipe).stream().map(s -> {
            String id = s.name().substring(s.name().length() - 1).toLowerCase(Locale.ROOT);
            return new BootEntry(id, "liveng: kernel slot " + id.toUpperCase(Locale.ROOT), s.uuid(), KERNEL, INITRD, baseArgs, true);
        }).toList();
    }

    @Override
    public UpdateResult install(StickAccess stick, KernelImage kernel, Recipe recipe) throws LivengException {
        SlotSpec a = slots(recipe).get(0);
        writeSlot(stick, a, "a", kernel, 1, recipe);
        return new UpdateResult(a.name(), kernel.version(), 1, a.name());
    }

    @Override
    public UpdateResult update(StickAccess stick, KernelImage kernel, boolean allowDowngrade, Recipe recipe) throws LivengException {
        throw new LivengException(ErrorCodes.UNSUPPORTED, "kernel updates of an existing stick are not available yet",
                "forge the stick again from an ISO with the new kernel");
    }

    /** Writes one slot filesystem and reads it back. */
    static void writeSlot(StickAccess stick, SlotSpec slot, String id, KernelImage kernel, long generation, Recipe recipe)
            throws LivengException {
        String kernelSha = sha256(kernel.kernel());
        String initrdSha = sha256(kernel.initrd());
        String json = "{\n  \"slot\": \"" + id + "\",\n  \"kernel\": \"" + kernel.version() + "\",\n  \"generation\": " + generation
                + ",\n  \"files\": {\n    \"" + KERNEL + "\": \"" + kernelSha + "\",\n    \"" + INITRD + "\": \"" + initrdSha + "\"\n  }\n}\n";
        Instant t = Reproducible.time(recipe);
        long capacity = stick.partitionSize(slot.name());
        IsoWriter w = new IsoWriter(IsoWriterOptions.builder().volumeId(slot.volumeId()).modifiedFromUuid(slot.uuid()).created(t)
                .fileTime(t).capacity(capacity).build());
        w.add(new FileSpec(KERNEL, kernel.kernel()));
        w.add(new FileSpec(INITRD, kernel.initrd()));
        w.add(new FileSpec(MANIFEST, Content.of(json.getBytes(StandardCharsets.UTF_8), "slot manifest")));
        SeekableByteChannel ch = stick.partition(slot.name());
        try {
            w.write(ch, 0);
            stick.sync();
            try (IsoImage back = IsoImage.open(stick.partition(slot.name()), slot.name())) {
                if (!back.uuid().equals(slot.uuid())) {
                    throw new LivengException(ErrorCodes.IO, slot.name() + " reads back with UUID " + back.uuid() + ", expected " + slot.uuid());
                }
                verify(back, KERNEL, kernelSha, slot);
                verify(back, INITRD, initrdSha, slot);
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "writing " + slot.name() + " failed: " + e.getMessage(), null, e);
        }
    }

    private static void verify(IsoImage img, String path, String expected, SlotSpec slot) throws LivengException, IOException {
        var e = img.lookup(path).orElseThrow(() -> new LivengException(ErrorCodes.IO, slot.name() + " reads back without " + path));
        String actual = sha256(img.open(e));
        if (!actual.equals(expected)) {
            throw new LivengException(ErrorCodes.IO, slot.name() + path + " reads back with SHA-256 " + actual + ", expected " + expected);
        }
    }

    static String sha256(Content c) throws LivengException {
        try (InputStream in = c.open()) {
            return sha256(in);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + c.describe() + " failed: " + e.getMessage(), null, e);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, md)) {
                d.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long parseSize(String s) {
        long n = org.liveng.api.recipe.Sizes.parse(s);
        if (n <= 0) {
            throw new IllegalArgumentException("not a size: " + s);
        }
        return n;
    }
}
