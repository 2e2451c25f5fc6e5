package org.liveng.api.plan;

import java.nio.file.Path;
import java.util.Map;

/**
 * What forge wrote.
 *
 * @param plan the plan it carried out
 * @param manifest the manifest written next to the image (also on the ESP)
 * @param digests the digest of each partition by GPT name, from reading back what was written: the SHA-256 of the
 *        SHA-256s of its 1 MiB chunks, with bytes forge did not write counted as zeros (the same for an image file
 *        and a device forged from the same inputs)
 * @param seconds wall time
 */
public record ForgeResult(ImagePlan plan, Path manifest, Map<String, String> digests, double seconds) {
    public ForgeResult {
        digests = Map.copyOf(digests);
    }
}
