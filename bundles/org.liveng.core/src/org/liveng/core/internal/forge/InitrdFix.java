package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.initrd.AugmentedInitrd;
import org.liveng.api.initrd.InitrdAugmenter;
import org.liveng.api.initrd.InitrdRequest;
import org.liveng.api.medium.Medium;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;

/**
 * {@code initrd.add-cryptsetup}: the preflight refusal of encrypted persistence
 * with an initrd that cannot unlock it, and the augmented initrd for kernel
 * slot A when the setting asks for it. The ISO itself is never changed; the
 * fallback entry keeps booting the ISO's original initrd.
 */
final class InitrdFix {
    /** Where live-boot's {@code / union} persistence keeps the overlay's upper directory. */
    static final String OVERLAY_UPPER = "rw";

    private InitrdFix() {
    }

    static boolean requested(Recipe recipe) {
        return Boolean.parseBoolean(recipe.get(RecipeSettings.INITRD_ADD_CRYPTSETUP));
    }

    /** Whether forge will augment this initrd: asked for, and the initrd cannot unlock LUKS by itself. */
    static boolean applies(Recipe recipe, InitrdInfo initrd) {
        return requested(recipe) && !initrd.encryptionReady();
    }

    /** The initrd the persistence encryption provider judges: the augmented one's abilities when forge will augment it. */
    static InitrdInfo judged(Recipe recipe, InitrdInfo initrd) {
        if (!applies(recipe, initrd)) {
            return initrd;
        }
        return new InitrdInfo(initrd.size(), initrd.segments(), initrd.entries(), initrd.liveBoot(), initrd.liveBootVersion(), true, true,
                initrd.kernelModulesVersion(), initrd.liveBoot());
    }

    /** Preflight: why forge refuses this kernel's initrd for the recipe (empty when it does not). */
    static List<String> refusals(Recipe recipe, DistroInfo info, KernelInfo kernel, PersistenceEncryption crypt, ProviderRegistry registry) {
        InitrdInfo initrd = kernel.initrd();
        List<String> out = new ArrayList<>();
        boolean encrypted = !crypt.id().equals("none");
        if (encrypted && !initrd.encryptionReady() && !requested(recipe)) {
            out.add("the initrd " + kernel.initrdPath() + " cannot unlock encrypted persistence (cryptsetup " + (initrd.cryptsetup() ? "present" : "missing")
                    + ", dm-crypt " + (initrd.dmCrypt() ? "present" : "missing") + "): live-boot would silently boot WITHOUT persistence; set " + RecipeSettings.INITRD_ADD_CRYPTSETUP.name()
                    + "=true (forge --fix-initrd) to add cryptsetup to kernel slot A's initrd from the ISO's own Debian packages");
        }
        if (applies(recipe, initrd)) {
            if (!initrd.liveBoot()) {
                out.add("the initrd " + kernel.initrdPath() + " has no live-boot, which " + RecipeSettings.INITRD_ADD_CRYPTSETUP.name()
                        + " does not add");
            }
            if (registry.all(InitrdAugmenter.class).stream().noneMatch(a -> a.id().equals(info.provider()))) {
                out.add(RecipeSettings.INITRD_ADD_CRYPTSETUP.name() + "=true needs an initrd augmenter for base distro " + info.provider()
                        + "; none is installed");
            }
        }
        return out;
    }

    /** Builds the augmented initrd in {@code work} when the recipe asks for it; nothing is written elsewhere. */
    static Optional<AugmentedInitrd> apply(ProviderRegistry registry, Recipe recipe, DistroInfo info, Medium iso, Path work, long mtime)
            throws LivengException {
        KernelInfo kernel = info.defaultKernel();
        if (!applies(recipe, kernel.initrd())) {
            return Optional.empty();
        }
        InitrdAugmenter augmenter = registry.select(InitrdAugmenter.class, info.provider());
        AugmentedInitrd a = augmenter.addCryptsetup(new InitrdRequest(iso, info, kernel, work, mtime));
        if (!a.info().encryptionReady()) {
            throw new LivengException(ErrorCodes.INTERNAL, augmenter.id() + " returned an initrd that still cannot unlock encrypted persistence");
        }
        return Optional.of(a);
    }

    /** The persistence filesystem's overlay files (under {@code rw/}) that keep cryptsetup in initrds rebuilt on the device. */
    static void writeOverlay(Path tree, Optional<AugmentedInitrd> fix) throws IOException {
        if (fix.isEmpty()) {
            return;
        }
        for (Map.Entry<String, String> f : fix.get().overlayFiles().entrySet()) {
            Path target = tree.resolve(OVERLAY_UPPER).resolve(f.getKey().replaceFirst("^/+", ""));
            Files.createDirectories(target.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** The manifest's account of the augmentation. */
    static Map<String, Object> manifest(AugmentedInitrd a, KernelInfo kernel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("added", "cryptsetup");
        m.put("slot", "A");
        m.put("original", kernel.initrdPath());
        m.put("originalSize", kernel.initrd().size());
        m.put("sha256", a.sha256());
        m.put("size", a.info().size());
        m.put("segments", a.info().segments());
        m.put("packages", a.packages());
        m.put("files", a.files());
        m.put("overlayFiles", a.overlayFiles().keySet().stream().map(p -> "/" + OVERLAY_UPPER + p).toList());
        m.put("fallback", "the fallback entry boots the ISO's original initrd, which cannot unlock encrypted persistence");
        return m;
    }
}
