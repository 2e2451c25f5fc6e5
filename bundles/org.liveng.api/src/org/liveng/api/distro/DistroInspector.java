package org.liveng.api.distro;

import java.nio.file.Path;

import org.liveng.api.LivengException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens an upstream ISO and lets the installed {@link BaseDistro} providers
 * inspect it. Implemented by liveng's core.
 */
@ProviderType
public interface DistroInspector {

    /**
     * Inspects the ISO with the provider that recognises it.
     *
     * @param iso the ISO image file (or block device)
     * @param distroId a provider id to use, or {@code null} to ask every installed provider
     * @throws LivengException {@code NOT_FOUND} when the file does not exist, {@code FORMAT}
     *         when it is not a readable ISO 9660 image, {@code UNSUPPORTED} naming what each
     *         provider missed when none recognises it
     */
    DistroInfo inspect(Path iso, String distroId) throws LivengException;
}
