package org.liveng.shell.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.Secret;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.core.internal.recipe.RecipeCodec;
import org.liveng.platform.blockdev.BlockDevices;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code liveng:forge}: a liveng image from a live ISO. */
@Component(service = ForgeCommand.class, property = {
        "osgi.command.scope=liveng",
        "osgi.command.function=forge" })
public final class ForgeCommand {
    private final ImageForge forge;
    private final NativeCalls nativeCalls;
    private final ProviderRegistry registry;

    @Activate
    public ForgeCommand(@Reference ImageForge forge, @Reference NativeCalls nativeCalls, @Reference ProviderRegistry registry) {
        this.forge = forge;
        this.nativeCalls = nativeCalls;
        this.registry = registry;
    }

    @Descriptor("make a liveng image (GPT, ISO system partition, kernel slots, real ESP, BIOS boot, persistence) from a live ISO")
    public Object forge(
            @Descriptor("print the plan (partitions, offsets, sizes, what goes where) and write nothing")
            @Parameter(names = { "-n", "--dry-run" }, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("read settings from this recipe file (name = value lines); see docs/recipe.md")
            @Parameter(names = { "-r", "--recipe" }, absentValue = "") String recipeFile,
            @Descriptor("erase this device without asking: must name the target device (e.g. --yes-wipe /dev/sdb)")
            @Parameter(names = { "--yes-wipe" }, absentValue = "") String yesWipe,
            @Descriptor("allow a target disk the kernel does not flag as removable (internal disks, some USB SSDs)")
            @Parameter(names = { "--allow-fixed-disk" }, presentValue = "true", absentValue = "false") boolean allowFixed,
            @Descriptor("write the manifest here (default: beside the image; liveng-<device>.manifest.json for a device)")
            @Parameter(names = { "--manifest" }, absentValue = "") String manifest,
            @Descriptor("check the ISO against the distro's SHA256SUMS file (it must list the ISO's file name)")
            @Parameter(names = { "--sha256sums" }, absentValue = "") String sums,
            @Descriptor("add cryptsetup to kernel slot A's initrd when the ISO's lacks it (initrd.add-cryptsetup=true)")
            @Parameter(names = { "--fix-initrd" }, presentValue = "true", absentValue = "false") boolean fixInitrd,
            @Descriptor("read the persistence passphrase from this file (mode 0600; one trailing newline is dropped)")
            @Parameter(names = { "--passphrase-file" }, absentValue = "") String passphraseFile,
            @Descriptor("read the persistence passphrase from standard input (up to the first newline)")
            @Parameter(names = { "--passphrase-stdin" }, presentValue = "true", absentValue = "false") boolean passphraseStdin,
            @Descriptor("the live ISO") String iso,
            @Descriptor("the image file to create (never overwritten) or the whole-disk device to erase (e.g. /dev/sdb)") String out,
            @Descriptor("settings name=value overriding the recipe, e.g. persistence.size=4G boot.serial=true") String... settings)
            throws LivengException {
        Recipe recipe = Recipe.empty();
        if (!recipeFile.isEmpty()) {
            try {
                recipe = RecipeCodec.parse(Files.readString(Path.of(recipeFile), StandardCharsets.UTF_8), recipeFile);
            } catch (IOException e) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "cannot read the recipe " + recipeFile + ": " + e.getMessage(),
                        "give the path of a recipe file");
            }
        }
        if (fixInitrd) {
            recipe = recipe.with(RecipeSettings.INITRD_ADD_CRYPTSETUP.name(), "true");
        }
        recipe = RecipeCodec.override(recipe, List.of(settings));
        ForgeRequest request = ForgeRequest.of(Path.of(iso), Path.of(out), recipe).confirmed(yesWipe.isEmpty() ? null : yesWipe, allowFixed);
        if (!manifest.isEmpty()) {
            request = request.manifestAt(Path.of(manifest));
        }
        if (!sums.isEmpty()) {
            request = request.checkedAgainst(Path.of(sums));
        }
        if (dryRun) {
            var plan = forge.plan(request);
            return json ? Json.of(plan) : plan;
        }
        if (yesWipe.isEmpty() && BlockDevices.isBlockDevice(Path.of(out))) {
            ImagePlan plan = forge.plan(request);
            request = request.confirmed(askForDevice(plan, out), allowFixed).boundTo(plan.targetIdentity());
        }
        Secret passphrase = null;
        if (registry.select(PersistenceEncryption.class, recipe.get(RecipeSettings.PERSISTENCE_ENCRYPTION)).needsPassphrase()) {
            if (passphraseFile.isEmpty() && !passphraseStdin && recipe.get(RecipeSettings.PASSPHRASE).equals("prompt") && nativeCalls.isatty(0)) {
                forge.plan(request); // preflight refusals before anyone types a passphrase
            }
            passphrase = PassphraseInput.read(passphraseFile, passphraseStdin, recipe,
                    new java.io.FileInputStream(java.io.FileDescriptor.in), System.console(), nativeCalls.isatty(0)); // the raw descriptor: Gogo wraps System.in
            request = request.withPassphrase(passphrase);
        }
        org.liveng.api.plan.ForgeResult result;
        try {
            result = forge.forge(request, new ForgeProgress(System.err, () -> nativeCalls.isatty(2)));
        } finally {
            if (passphrase != null) {
                passphrase.close();
            }
        }
        if (json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("plan", result.plan());
            m.put("manifest", result.manifest().toString());
            m.put("partitionDigests", result.digests());
            m.put("seconds", result.seconds());
            return Json.of(m);
        }
        return result;
    }

    /** Shows the plan and has the user type the device's name; refuses without a terminal to ask on. */
    private String askForDevice(ImagePlan plan, String device) throws LivengException {
        if (!nativeCalls.isatty(0) || !nativeCalls.isatty(2)) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "forge would erase " + device + " and there is no terminal to confirm it on",
                    "pass --yes-wipe " + device + " to confirm in a script");
        }
        System.err.println(new ReportConverter().format(plan, 1, null));
        System.err.print("liveng: everything on " + device + " will be erased. Type its name (" + device + ") to go on: ");
        System.err.flush();
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            line = null;
        }
        if (line == null || !line.strip().equals(device)) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "not confirmed: " + (line == null ? "no answer" : "'" + line.strip() + "' is not " + device)
                    + "; nothing was written", null);
        }
        return device;
    }
}
