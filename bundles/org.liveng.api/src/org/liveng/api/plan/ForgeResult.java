package org.liveng.api.plan;

import java.nio.file.Path;
import java.util.Map;

/**
 * What forge wrote.
 *
 * @param plan the plan it carried out
 * @param manifest the manifest written next to the image (also on the ESP)
 * @param sha256 SHA-256 of each partition's written content, by GPT name, as verified by reading back
 * @param seconds wall time
 */
public record ForgeResult(ImagePlan plan, Path manifest, Map<String, String> sha256, double seconds) {
    public ForgeResult {
        sha256 = Map.copyOf(sha256);
    }
}
