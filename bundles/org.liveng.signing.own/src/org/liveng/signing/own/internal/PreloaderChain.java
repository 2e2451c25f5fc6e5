package org.liveng.signing.own.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Support;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.signing.ChainRequest;
import org.liveng.api.signing.SignedChain;
import org.liveng.api.signing.SigningService;
import org.liveng.format.pe.Authenticode;
import org.liveng.format.pe.PeImage;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code preloader} (legacy): the original liveng chain. The user's PreLoader (efitools; the Linux
 * Foundation's build is signed by Microsoft's UEFI CA 2011) as {@code \EFI\BOOT\BOOTX64.EFI}, its
 * HashTool beside it, liveng-lock as {@code \EFI\BOOT\loader.efi} (PreLoader's next stage) and the
 * GRUB liveng builds for own-key chains, unsigned, as {@code \EFI\BOOT\grubx64.efi}; kernels
 * unchanged. PreLoader trusts what db trusts and the SHA-256 Authenticode hashes enrolled in MokList
 * with HashTool: liveng-lock's, GRUB's, and every kernel's, so every kernel update needs a new
 * enrolment. The hashes are on the ESP ({@value #README}) and in forge's manifest.
 *
 * <p>liveng-lock (C, built with gnu-efi from this bundle's {@code efi/} folder) exists because Debian's
 * GRUB starts a kernel under Secure Boot only through shim's {@code shim_lock} protocol, which PreLoader
 * lacks: liveng-lock provides it and answers each request by asking the firmware to load the image from
 * the buffer, which PreLoader's security policy judges (db and MokList hashes), then unloads it.
 */
@Component(service = SigningService.class, property = "liveng.id=preloader")
public final class PreloaderChain implements SigningService {
    static final String HASHTOOL_PATH = "/EFI/BOOT/HashTool.efi";
    /** PreLoader's next stage: liveng-lock. */
    static final String LOADER_PATH = "/EFI/BOOT/loader.efi";
    /** Where liveng-lock looks for GRUB: beside itself. */
    static final String GRUB_PATH = "/EFI/BOOT/grubx64.efi";
    /** The resource of this bundle that holds liveng-lock.efi. */
    static final String LOCK_RESOURCE = "liveng-lock.efi";
    static final String README = OwnChains.LIVENG_DIR + "/README-PRELOADER.txt";
    /** Copies of the kernels on the ESP: HashTool can select files only on a volume the firmware reads (FAT), not in ISO 9660 slots. */
    static final String ENROL_DIR = OwnChains.LIVENG_DIR + "/enrol";
    static final String LEGACY = "warning: signing=preloader is legacy: PreLoader trusts GRUB and each kernel only by its hash, enrolled"
            + " by hand with HashTool at the machine, so every kernel update needs a new enrolment on every machine the stick boots on;"
            + " prefer mok or custom-pk";

    private final ProcessRunner runner;

    @Activate
    public PreloaderChain(@Reference ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return "preloader";
    }

    @Override
    public String description() {
        return "legacy: the user's PreLoader and HashTool, then GRUB and kernels trusted by their hashes (enrolled with HashTool)";
    }

    @Override
    public Support supports(Recipe recipe) {
        List<String> problems = PreloaderInputs.problems(recipe);
        return problems.isEmpty() ? Support.yes() : Support.no(problems.toArray(String[]::new));
    }

    @Override
    public List<String> notes(Recipe recipe) throws LivengException {
        List<String> notes = new ArrayList<>(List.of(LEGACY));
        PreloaderInputs in = PreloaderInputs.read(recipe);
        if (in.preloaderUnsigned()) {
            notes.add("warning: " + in.preloader().source() + " has no signature: firmware with Microsoft's keys refuses it; it boots only"
                    + " where db trusts it (your own db holding its hash, or a certificate you signed it with)");
        }
        return notes;
    }

    @Override
    public SignedChain assemble(ChainRequest request) throws LivengException {
        PreloaderInputs in = PreloaderInputs.read(request.recipe());
        byte[] lock = lock();
        byte[] grub = new GrubImage(runner).build(request.distroBinaries().get(OwnChains.GRUB));
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put("loader.efi", hash(PeImage.parse(lock, "liveng-lock")));
        hashes.put("grubx64.efi", hash(PeImage.parse(grub, "GRUB built by liveng")));
        List<String> unaligned = new ArrayList<>();
        if (lock.length % 8 != 0) {
            unaligned.add("loader.efi");
        }
        if (grub.length % 8 != 0) {
            unaligned.add("grubx64.efi");
        }
        for (Map.Entry<String, Content> k : new TreeMap<>(request.kernels()).entrySet()) {
            PeImage kernel = PeSigning.read(k.getValue());
            hashes.put("kernel " + k.getKey(), hash(kernel));
            if (kernel.size() % 8 != 0) {
                unaligned.add("kernel " + k.getKey());
            }
        }
        List<String> instructions = new ArrayList<>(instructions(hashes));
        if (!unaligned.isEmpty()) {
            // efitools (HashTool, PreLoader) hashes an image as if its size were rounded up to 8 bytes
            instructions.add("Note: the size of " + String.join(", ", unaligned) + " is not a multiple of 8 bytes; HashTool (efitools rounds"
                    + " the size up to 8 bytes when it hashes) may show another hash for it than the one above.");
        }
        List<FileSpec> files = new ArrayList<>();
        files.add(new FileSpec(OwnChains.BOOT, Content.of(in.preloader().bytes(), "PreLoader " + in.preloader().source())));
        files.add(new FileSpec(HASHTOOL_PATH, Content.of(in.hashtool().bytes(), "HashTool " + in.hashtool().source())));
        files.add(new FileSpec(LOADER_PATH, Content.of(lock, "liveng-lock (shim_lock for GRUB, answered by PreLoader's policy)")));
        files.add(new FileSpec(GRUB_PATH, Content.of(grub, "GRUB built by liveng (unsigned)")));
        for (Map.Entry<String, Content> k : new TreeMap<>(request.kernels()).entrySet()) {
            files.add(new FileSpec(ENROL_DIR + "/" + enrolName(k.getKey()), k.getValue()));
        }
        files.add(OwnChains.text(README, instructions));
        Map<String, String> report = new LinkedHashMap<>();
        hashes.forEach((what, h) -> report.put("preloader.enrol-sha256." + what.replace(' ', '-'), h));
        return new SignedChain(files, request.kernels(), OwnChains.LIVENG_DIR, instructions, report);
    }

    /** liveng-lock.efi as this bundle's build made it. */
    static byte[] lock() throws LivengException {
        try (InputStream in = PreloaderChain.class.getResourceAsStream(LOCK_RESOURCE)) {
            if (in == null) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "this liveng build has no " + LOCK_RESOURCE + " in bundle org.liveng.signing.own",
                        "build liveng with gcc, make and gnu-efi installed (bundles/org.liveng.signing.own/efi)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + LOCK_RESOURCE + " from bundle org.liveng.signing.own: " + e.getMessage(), null, e);
        }
    }

    /** The Authenticode SHA-256 that HashTool enrols and PreLoader looks up in MokList. */
    static String hash(PeImage image) throws LivengException {
        return HexFormat.of().formatHex(Authenticode.imageHash(image, "SHA-256"));
    }

    /** A FAT-safe file name for a kernel version's copy. */
    static String enrolName(String version) {
        return "vmlinuz-" + version.replaceAll("[^A-Za-z0-9._+-]", "_") + ".efi";
    }

    static List<String> instructions(Map<String, String> hashes) {
        List<String> l = new ArrayList<>();
        l.add("liveng stick with PreLoader (LEGACY chain): first boot with Secure Boot on");
        l.add("");
        l.add("PreLoader (\\EFI\\BOOT\\BOOTX64.EFI) starts only what db trusts or what you enrolled by hash with HashTool.");
        l.add("Every kernel has its own hash: after every kernel update the new kernel must be enrolled again.");
        l.add("");
        l.add("loader.efi is liveng-lock: it gives GRUB the shim_lock protocol Debian's GRUB needs to start a kernel under");
        l.add("Secure Boot, and answers it with PreLoader's verdict, so a kernel starts only when its hash is enrolled too.");
        l.add("");
        l.add("1. Boot the stick. PreLoader says \"Failed to start loader\" and offers HashTool: choose it.");
        l.add("2. In HashTool: Enroll Hash -> the stick's EFI partition (LIVENG_EFI) -> EFI -> BOOT -> loader.efi.");
        l.add("   Compare the hash HashTool shows with the loader.efi line below, then Yes.");
        l.add("3. Enroll Hash the same way for EFI -> BOOT -> grubx64.efi (GRUB).");
        l.add("4. Enroll Hash again for each kernel: EFI -> liveng -> enrol -> vmlinuz-VERSION.efi (a copy of the slot's kernel;");
        l.add("   HashTool reads only FAT volumes). After a kernel update, copy the new kernel to a FAT volume and enrol it too.");
        l.add("5. Exit HashTool: PreLoader starts loader.efi, which starts GRUB.");
        l.add("");
        l.add("Authenticode SHA-256 hashes to enrol:");
        hashes.forEach((what, h) -> l.add("  " + what + ": " + h));
        return l;
    }
}
