package org.liveng.api.crypt;

import java.util.List;
import java.util.Map;

/**
 * What was written.
 *
 * @param format {@code ext4}, {@code luks2}, {@code luks1}
 * @param uuid the container's UUID (LUKS UUID or filesystem UUID)
 * @param kernelArgs kernel arguments live-boot needs for it, e.g. {@code persistence-encryption=luks}
 * @param parameters parameters to record in the manifest (cipher, KDF and its costs); never secrets
 */
public record PersistenceResult(String format, String uuid, List<String> kernelArgs, Map<String, String> parameters) {
    public PersistenceResult {
        kernelArgs = List.copyOf(kernelArgs);
        parameters = Map.copyOf(parameters);
    }
}
