package org.liveng.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.core.internal.recipe.RecipeCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code liveng:forge}: a liveng image from a live ISO. */
@Component(service = ForgeCommand.class, property = {
        "osgi.command.scope=liveng",
        "osgi.command.function=forge" })
public final class ForgeCommand {
    private final ImageForge forge;

    @Activate
    public ForgeCommand(@Reference ImageForge forge) {
        this.forge = forge;
    }

    @Descriptor("make a liveng image (GPT, ISO system partition, kernel slots, real ESP, BIOS boot, persistence) from a live ISO")
    public Object forge(
            @Descriptor("print the plan (partitions, offsets, sizes, what goes where) and write nothing")
            @Parameter(names = { "-n", "--dry-run" }, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("read settings from this recipe file (name = value lines); see docs/recipe.md")
            @Parameter(names = { "-r", "--recipe" }, absentValue = "") String recipeFile,
            @Descriptor("the live ISO") String iso,
            @Descriptor("the image file to create (never overwritten)") String out,
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
        recipe = RecipeCodec.override(recipe, List.of(settings));
        ForgeRequest request = new ForgeRequest(Path.of(iso), Path.of(out), recipe, null, null);
        if (dryRun) {
            var plan = forge.plan(request);
            return json ? Json.of(plan) : plan;
        }
        var result = forge.forge(request, new StderrProgress());
        if (json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("plan", result.plan());
            m.put("manifest", result.manifest().toString());
            m.put("sha256", result.sha256());
            m.put("seconds", result.seconds());
            return Json.of(m);
        }
        return result;
    }

    /** Step lines on stderr; percentages of long copies at every 10%. */
    static final class StderrProgress implements Progress {
        private int lastDecile = -1;

        @Override
        public void step(String name) {
            lastDecile = -1;
            System.err.println("liveng: " + name);
        }

        @Override
        public void bytes(long done, long total) {
            int decile = total == 0 ? 10 : (int) (done * 10 / total);
            if (decile != lastDecile && decile > 0) {
                lastDecile = decile;
                System.err.println("liveng:   " + decile * 10 + "% (" + done + " of " + total + " bytes)");
            }
        }
    }
}
