package org.liveng.core.internal.forge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.liveng.api.distro.DistroInfo;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;

import com.google.gson.GsonBuilder;

/** The plan and manifest documents (stable field order, pretty). */
final class Json {
    private Json() {
    }

    /**
     * The stick's own plan; with the recipe it was forged from (seed included, so that a kernel update finds the slots'
     * UUIDs and the strategy). Left out: where the passphrase came from, and the sizes of the target (the plan's partitions
     * say what they became; an image file and a device forged alike get the same ESP).
     */
    static String plan(ImagePlan plan, Map<String, String> inputs, Recipe recipe) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("liveng", "forge plan");
        m.put("plan", plan);
        m.put("inputs", inputs);
        Map<String, String> values = new TreeMap<>(recipe.values());
        values.remove(RecipeSettings.PASSPHRASE.name());
        values.remove(RecipeSettings.IMAGE_SIZE.name());
        values.remove(RecipeSettings.PERSISTENCE_SIZE.name());
        values.remove(RecipeSettings.AGENT_PATH.name());
        m.put("recipe", values);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m);
    }

    static String manifest(ImagePlan plan, Map<String, String> inputs, Map<String, String> sums, Map<String, String> persistence,
            DistroInfo info, Object initrd, Object agent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("liveng", "forge manifest");
        m.put("plan", plan);
        m.put("inputs", inputs);
        m.put("distro", Map.of("name", info.name(), "release", info.release(), "kernel", info.defaultKernel().version()));
        if (initrd != null) {
            m.put("initrd", initrd);
        }
        m.put("persistence", persistence);
        if (agent != null) {
            m.put("agent", agent);
        }
        m.put("partitionDigestAlgorithm", "sha256 of the sha256s of 1 MiB chunks; bytes not written count as zeros");
        m.put("partitionDigests", sums);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m) + "\n";
    }
}
