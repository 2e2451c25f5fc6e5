package org.liveng.signing.own.internal;

import java.util.ArrayList;
import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.api.keys.KeySource;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.signing.ChainRequest;
import org.liveng.api.signing.SignedChain;
import org.liveng.api.signing.SigningService;
import org.liveng.keys.KeyFiles;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * {@code mok}: the distro's Microsoft-signed shim (unchanged, so every retail PC starts it), then a
 * GRUB built by liveng and the kernels, both signed with the owner's Machine Owner Key. Shim accepts
 * them once the MOK is in its MokList (enrolled once with MokManager: the certificate is on the ESP
 * in DER) or in the firmware's db. Every new kernel is signed by {@link #signKernel}.
 */
@Component(service = SigningService.class, property = "liveng.id=mok")
public final class MokChain implements SigningService {
    static final String MOK_DER = OwnChains.LIVENG_DIR + "/MOK.der";
    static final java.nio.file.Path HOST_MOK_MANAGER = java.nio.file.Path.of("/usr/lib/shim/mmx64.efi.signed");

    private final ProcessRunner runner;
    private final List<KeySource> sources;

    @Activate
    public MokChain(@Reference ProcessRunner runner,
            @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE) List<KeySource> sources) {
        this.runner = runner;
        this.sources = List.copyOf(sources);
    }

    @Override
    public String id() {
        return "mok";
    }

    @Override
    public String description() {
        return "the distro's Microsoft-signed shim, then GRUB and kernels signed with the owner's MOK (enrolled once via MokManager)";
    }

    @Override
    public SignedChain assemble(ChainRequest request) throws LivengException {
        Content shim = OwnChains.require(request, OwnChains.SHIM, id());
        SigningKey mok = new OwnKeys(sources, request.recipe()).open(RecipeSettings.SIGNING_MOK_KEY, "mok");
        List<FileSpec> files = new ArrayList<>();
        files.add(new FileSpec(OwnChains.BOOT, shim));
        Content grub = Content.of(new GrubImage(runner).build(request.distroBinaries().get(OwnChains.GRUB)), "GRUB built by liveng");
        files.add(new FileSpec(OwnChains.GRUB_PATH, PeSigning.sign(grub, mok, "GRUB")));
        Content mm = mokManager(request);
        List<String> instructions = instructions(mok, mm != null);
        if (mm != null) {
            files.add(new FileSpec(OwnChains.MOK_MANAGER_PATH, mm));
        }
        files.add(new FileSpec(MOK_DER, Content.of(KeyFiles.der(mok.certificate()), "MOK certificate (DER)")));
        files.add(OwnChains.text(OwnChains.LIVENG_DIR + "/README-MOK.txt", instructions));
        return new SignedChain(files, OwnChains.signKernels(request.kernels(), mok), OwnChains.LIVENG_DIR, instructions);
    }

    /**
     * The distro's MokManager (signed with the distro key that shim's vendor certificate trusts): the
     * ISO's, else the host's from Debian's {@code shim-helpers-amd64-signed}; null if neither exists.
     */
    static Content mokManager(ChainRequest request) throws LivengException {
        Content mm = request.distroBinaries().get(OwnChains.MOK_MANAGER);
        if (mm == null && java.nio.file.Files.isRegularFile(HOST_MOK_MANAGER)) {
            try {
                mm = Content.of(HOST_MOK_MANAGER);
            } catch (java.io.IOException e) {
                throw new LivengException(org.liveng.api.ErrorCodes.IO, "cannot read " + HOST_MOK_MANAGER + ": " + e.getMessage(), null, e);
            }
        }
        return mm;
    }

    @Override
    public Content signKernel(Content kernel, Recipe recipe) throws LivengException {
        SigningKey mok = new OwnKeys(sources, recipe).open(RecipeSettings.SIGNING_MOK_KEY, "mok");
        return PeSigning.sign(kernel, mok, "kernel");
    }

    static List<String> instructions(SigningKey mok, boolean mokManager) throws LivengException {
        List<String> l = new ArrayList<>();
        l.add("liveng stick signed with your Machine Owner Key (MOK): first boot with Secure Boot on");
        l.add("");
        l.add("Until this machine trusts the MOK, shim refuses the stick's GRUB (\"Verification failed\")");
        l.add(mokManager ? "and starts MokManager. In MokManager:" : "and the ISO had no MokManager: enrol the MOK from a running Linux (below).");
        if (mokManager) {
            l.add("  1. Enroll key from disk -> the stick's EFI partition (LIVENG_EFI) -> EFI -> liveng -> MOK.der");
            l.add("  2. View key: check the SHA-256 fingerprint below, then Continue -> Yes");
            l.add("  3. Reboot: the stick boots, now and on every later boot of this machine.");
        }
        l.add("From a running Linux instead: mokutil --import MOK.der (choose a one-time password), reboot,");
        l.add("MokManager appears: Enroll MOK -> Continue -> Yes -> type that password -> Reboot.");
        l.add("");
        l.add("MOK certificate: " + mok.certificate().getSubjectX500Principal().getName());
        l.add("SHA-256 fingerprint: " + OwnChains.fingerprint(mok));
        return l;
    }
}
