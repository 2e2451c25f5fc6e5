package org.liveng.api.distro;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.Medium;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The base distro extension point: knows one family of upstream live ISOs
 * (default {@code debian-live}; vendors add e.g. Kali or Ubuntu casper).
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #recognize(Medium)} is cheap (reads a few small files) and never
 * throws for a foreign ISO: it answers {@link Support#no(String...)} naming
 * what is missing.</li>
 * <li>{@link #inspect(Medium)} discovers everything by looking at the medium
 * (no hard-coded file names where the layout may vary), analyses every
 * initrd, and throws {@link LivengException} with code {@code UNSUPPORTED}
 * for a medium that {@code recognize} refuses.</li>
 * <li>Neither method writes anything.</li>
 * </ul>
 */
@ConsumerType
public interface BaseDistro extends Provider {

    /** Whether this provider knows the medium; when not, the reasons name what is missing. */
    Support recognize(Medium medium) throws LivengException;

    /** Everything liveng needs to know about the medium. */
    DistroInfo inspect(Medium medium) throws LivengException;

    /**
     * Analyses an initrd that is not on the medium, as {@link #inspect(Medium)} analyses the medium's: e.g. the one a
     * live system built for a newly installed kernel, before it goes into a kernel slot. Reads only; live-boot's version
     * is left empty when the initrd does not tell it.
     *
     * @param initrd the initrd's bytes
     * @param kernelVersion the release of the kernel it is for
     * @throws LivengException {@code FORMAT} when it is not a readable initrd, {@code IO} when reading it fails,
     *         {@code UNSUPPORTED} (this default) when the provider cannot analyse initrds outside a medium
     * @since 0.2
     */
    default InitrdInfo analyzeInitrd(Content initrd, String kernelVersion) throws LivengException {
        throw new LivengException(ErrorCodes.UNSUPPORTED, "the base distro " + id() + " cannot analyse the initrd " + initrd.describe()
                + " outside its medium", "use a base distro provider that implements BaseDistro.analyzeInitrd");
    }
}
