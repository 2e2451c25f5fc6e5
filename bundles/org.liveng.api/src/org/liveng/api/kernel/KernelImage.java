package org.liveng.api.kernel;

import org.liveng.api.medium.Content;

/**
 * A kernel and its initrd, ready for a slot.
 *
 * @param version kernel release, e.g. {@code 6.1.0-25-amd64}
 * @param kernel the kernel image (signed as the chain requires)
 * @param initrd the initrd
 */
public record KernelImage(String version, Content kernel, Content initrd) {
}
