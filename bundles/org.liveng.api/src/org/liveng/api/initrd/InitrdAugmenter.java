package org.liveng.api.initrd;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Adds cryptsetup to the initrd of a live ISO, for a base distro family. A
 * provider registers with the {@code liveng.id} of the {@link org.liveng.api.distro.BaseDistro}
 * whose ISOs it knows (e.g. {@code debian-live}).
 *
 * <p>Contract: the upstream initrd stays byte for byte at the start of the
 * result, followed by one appended archive (the kernel unpacks concatenated
 * archives in order, later files replace earlier ones); the added files come
 * from the distro's own packages for the ISO's release and for the exact
 * kernel release of the initrd; nothing on the medium is written. When the
 * files cannot be found, the provider throws naming what is missing and where
 * it looked.
 */
@ConsumerType
public interface InitrdAugmenter extends Provider {

    /**
     * Builds an initrd that can unlock LUKS persistence: cryptsetup, its libraries, askpass,
     * dm-crypt, dm-mod and the crypto modules, and a module index that lists them.
     *
     * @throws LivengException {@code NOT_FOUND} when the packages or modules are not available from any
     *         source, {@code TOOL} when an external program fails, {@code IO} on read/write errors
     */
    AugmentedInitrd addCryptsetup(InitrdRequest request) throws LivengException;
}
