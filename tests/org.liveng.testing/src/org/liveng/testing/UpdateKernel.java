package org.liveng.testing;

import java.io.IOException;
import java.nio.file.Path;

import org.liveng.api.kernel.KernelImage;
import org.liveng.api.medium.Content;

/**
 * The live ISO fixture's newer kernel (Debian-signed, unpacked from its linux-image package) with the ISO's own initrd:
 * the slot checks of the tests that use it do not boot that initrd.
 *
 * @param release the newer kernel's release, e.g. {@code 6.1.0-56-cloud-amd64}
 * @param kernel its vmlinuz
 * @param initrd the ISO kernel's initrd
 */
public record UpdateKernel(String release, Path kernel, Path initrd) {

    /** The pair as kernel updates take it. */
    public KernelImage image() throws IOException {
        return new KernelImage(release, Content.of(kernel), Content.of(initrd));
    }
}
