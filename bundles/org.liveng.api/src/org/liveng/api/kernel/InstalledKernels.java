package org.liveng.api.kernel;

import java.util.List;

import org.liveng.api.LivengException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernels installed on a system (its {@code /boot} and {@code /lib/modules}), where a repair takes the kernel a
 * damaged slot must hold again. Implemented by liveng's core.
 *
 * @since 0.5
 */
@ProviderType
public interface InstalledKernels {

    /** Where the kernels are looked for, for messages (e.g. {@code /boot}). */
    String describe();

    /** The releases that have a kernel image ({@code vmlinuz-RELEASE}), in no particular order; empty when there is none. */
    List<String> releases() throws LivengException;

    /**
     * The kernel, its initrd and modules of one release, ready for a slot (signed as the stick's chain requires).
     *
     * @throws LivengException naming what is missing (kernel image, initrd or modules) when the release is not complete
     */
    KernelImage kernel(String release) throws LivengException;
}
