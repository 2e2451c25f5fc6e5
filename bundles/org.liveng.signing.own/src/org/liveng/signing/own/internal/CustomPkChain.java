package org.liveng.signing.own.internal;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.keys.KeySource;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Reproducible;
import org.liveng.api.signing.ChainRequest;
import org.liveng.api.signing.SignedChain;
import org.liveng.api.signing.SigningService;
import org.liveng.keys.Enrolment;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * {@code custom-pk}: the owner's PK, KEK and db replace the firmware's keys. The distro's shim
 * (its Microsoft signature replaced by the owner's db signature), a GRUB built by liveng and the
 * kernels are all signed with the db key; shim checks GRUB and kernels against db. Debian's GRUB
 * cannot be used without shim under Secure Boot (it needs shim's verifier), so shim stays in the
 * chain. The ESP carries the enrolment files ({@code /EFI/liveng/keys}: signature lists, {@code .auth}
 * updates PK by PK, KEK by PK, db by KEK, DER certificates). By default db keeps Microsoft's UEFI CA
 * certificates (taken from the distro's Microsoft-signed shim) so option ROMs of graphics cards and
 * disks still run.
 */
@Component(service = SigningService.class, property = "liveng.id=custom-pk")
public final class CustomPkChain implements SigningService {
    static final String KEYS_DIR = OwnChains.LIVENG_DIR + "/keys";

    private final ProcessRunner runner;
    private final List<KeySource> sources;

    @Activate
    public CustomPkChain(@Reference ProcessRunner runner,
            @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE) List<KeySource> sources) {
        this.runner = runner;
        this.sources = List.copyOf(sources);
    }

    @Override
    public String id() {
        return "custom-pk";
    }

    @Override
    public String description() {
        return "the owner's PK/KEK/db: shim, GRUB and kernels signed with db; .auth enrolment files on the ESP";
    }

    @Override
    public SignedChain assemble(ChainRequest request) throws LivengException {
        Recipe recipe = request.recipe();
        Content shim = OwnChains.require(request, OwnChains.SHIM, id());
        OwnKeys keys = new OwnKeys(sources, recipe);
        SigningKey db = keys.open(RecipeSettings.SIGNING_DB_KEY, "db");
        SigningKey pk = keys.open(null, "pk");
        SigningKey kek = keys.open(null, "kek");
        boolean microsoft = Boolean.parseBoolean(recipe.get(RecipeSettings.SIGNING_MICROSOFT_DB));
        List<X509Certificate> ms = microsoft ? PeSigning.microsoftUefiCas(shim) : List.of();
        if (microsoft && ms.isEmpty()) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "the ISO's shim carries no Microsoft UEFI CA certificate to keep in db",
                    "use an ISO with Microsoft-signed shim, or signing.microsoft-db=false (read the warning in the README first)");
        }
        List<FileSpec> files = new ArrayList<>();
        files.add(new FileSpec(OwnChains.BOOT, PeSigning.sign(shim, db, "shim")));
        Content grub = Content.of(new GrubImage(runner).build(request.distroBinaries().get(OwnChains.GRUB)), "GRUB built by liveng");
        files.add(new FileSpec(OwnChains.GRUB_PATH, PeSigning.sign(grub, db, "GRUB")));
        files.addAll(Enrolment.files(KEYS_DIR, keys.folder().owner(), pk, kek, db.certificate(), ms, Reproducible.time(recipe)));
        List<String> instructions = instructions(ms);
        files.add(OwnChains.text(OwnChains.LIVENG_DIR + "/README-KEYS.txt", instructions));
        return new SignedChain(files, OwnChains.signKernels(request.kernels(), db), OwnChains.LIVENG_DIR, instructions);
    }

    @Override
    public Content signKernel(Content kernel, Recipe recipe) throws LivengException {
        return PeSigning.sign(kernel, new OwnKeys(sources, recipe).open(RecipeSettings.SIGNING_DB_KEY, "db"), "kernel");
    }

    static List<String> instructions(List<X509Certificate> microsoft) {
        List<String> l = new ArrayList<>();
        l.add("liveng stick signed with your own Secure Boot keys (PK, KEK, db)");
        l.add("");
        l.add("It boots with Secure Boot on only on machines whose firmware holds your keys. To enrol them:");
        l.add("  1. In the firmware setup, clear the Secure Boot keys (setup mode).");
        l.add("  2. Enrol \\EFI\\liveng\\keys\\db.auth, then KEK.auth, then PK.auth last (firmware menus that take");
        l.add("     certificates: db.cer, KEK.cer, PK.cer; Linux: efi-updatevar -f db.auth db, then KEK, then PK).");
        l.add("  3. Turn Secure Boot on.");
        if (microsoft.isEmpty()) {
            l.add("");
            l.add("WARNING: db holds ONLY your certificate (signing.microsoft-db=false). Option ROMs of graphics cards,");
            l.add("network and storage controllers are signed by Microsoft and will not run: on many machines this leaves");
            l.add("no display or no boot disk, and only a firmware reset recovers. Windows will not boot either.");
        } else {
            l.add("");
            l.add("db also keeps Microsoft's UEFI CA certificates (" + String.join(", ", microsoft.stream().map(PeSigning::commonName).toList())
                    + "), so option ROMs and Microsoft-signed loaders still run.");
        }
        return l;
    }
}
