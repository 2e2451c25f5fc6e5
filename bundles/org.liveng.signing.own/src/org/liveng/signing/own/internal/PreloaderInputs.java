package org.liveng.signing.own.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.Setting;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.format.pe.Authenticode;
import org.liveng.format.pe.CoffHeader;
import org.liveng.format.pe.OptionalHeader;
import org.liveng.format.pe.PeImage;

/**
 * The user-supplied PreLoader.efi and HashTool.efi (efitools; not packaged by distros), read and
 * checked before anything is written: readable, PE32+ x86-64 EFI applications, and not swapped.
 * The two are told apart by the UTF-16 texts efitools' sources give them: HashTool's menu title
 * {@value #HASHTOOL_MARK}, PreLoader's message {@value #PRELOADER_MARK}; a file is refused only
 * when it carries the other tool's text.
 *
 * @param preloader PreLoader, parsed
 * @param hashtool HashTool, parsed
 */
record PreloaderInputs(PeImage preloader, PeImage hashtool) {
    static final String HASHTOOL_MARK = "Hash Tool main menu";
    static final String PRELOADER_MARK = "Failed to start loader";

    /** Reads both settings and refuses them with every problem found, each naming its file. */
    static PreloaderInputs read(Recipe recipe) throws LivengException {
        List<String> problems = new ArrayList<>();
        PreloaderInputs in = check(recipe, problems);
        if (in == null) {
            throw new LivengException(ErrorCodes.USAGE, "signing=preloader cannot use its inputs:\n  - " + String.join("\n  - ", problems),
                    "give signing.preloader=PreLoader.efi and signing.hashtool=HashTool.efi (both from the same efitools build)");
        }
        return in;
    }

    /** What is wrong with the two settings, each naming its file; empty when both are usable. */
    static List<String> problems(Recipe recipe) {
        List<String> problems = new ArrayList<>();
        check(recipe, problems);
        return problems;
    }

    private static PreloaderInputs check(Recipe recipe, List<String> problems) {
        PeImage pre = one(recipe, RecipeSettings.SIGNING_PRELOADER, "PreLoader.efi", problems);
        PeImage hash = one(recipe, RecipeSettings.SIGNING_HASHTOOL, "HashTool.efi", problems);
        if (pre != null && is(pre, HASHTOOL_MARK)) {
            problems.add(RecipeSettings.SIGNING_PRELOADER.name() + "=" + pre.source() + " is HashTool (it carries HashTool's menu \""
                    + HASHTOOL_MARK + "\"), not PreLoader");
        }
        if (hash != null && is(hash, PRELOADER_MARK) && !is(hash, HASHTOOL_MARK)) {
            problems.add(RecipeSettings.SIGNING_HASHTOOL.name() + "=" + hash.source() + " is PreLoader (it carries PreLoader's message \""
                    + PRELOADER_MARK + "\"), not HashTool");
        }
        if (pre != null && hash != null && problems.isEmpty() && java.util.Arrays.equals(pre.bytes(), hash.bytes())) {
            problems.add(RecipeSettings.SIGNING_PRELOADER.name() + " and " + RecipeSettings.SIGNING_HASHTOOL.name() + " are the same file ("
                    + pre.source() + ")");
        }
        return problems.isEmpty() ? new PreloaderInputs(pre, hash) : null;
    }

    /** Whether PreLoader carries no Authenticode signature at all. */
    boolean preloaderUnsigned() throws LivengException {
        return Authenticode.certificates(preloader).isEmpty();
    }

    private static PeImage one(Recipe recipe, Setting setting, String what, List<String> problems) {
        String value = recipe.get(setting);
        if (value == null || value.isBlank()) {
            problems.add(setting.name() + " is not set: signing=preloader needs the " + what + " you supply (it is not packaged)");
            return null;
        }
        Path file = Path.of(value);
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                problems.add(setting.name() + "=" + file + ": no such file");
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            problems.add(setting.name() + "=" + file + ": cannot read it (" + e.getMessage() + ")");
            return null;
        }
        PeImage pe;
        try {
            pe = PeImage.parse(bytes, file.toString());
        } catch (FormatException e) {
            problems.add(setting.name() + "=" + file + " is not a PE/COFF EFI binary: " + e.getMessage());
            return null;
        }
        int machine = pe.coffHeader().machine();
        OptionalHeader oh = pe.optionalHeader();
        if (!oh.isPe32Plus() || machine != CoffHeader.MACHINE_AMD64 || oh.subsystem() != OptionalHeader.SUBSYSTEM_EFI_APPLICATION) {
            problems.add(setting.name() + "=" + file + " is not a PE32+ x86-64 EFI application (machine 0x" + Integer.toHexString(machine)
                    + ", optional header magic 0x" + Integer.toHexString(oh.magic()) + ", subsystem " + oh.subsystem() + ")");
            return null;
        }
        return pe;
    }

    private static boolean is(PeImage image, String utf16Text) {
        return image.contains(utf16Text.getBytes(StandardCharsets.UTF_16LE));
    }
}
