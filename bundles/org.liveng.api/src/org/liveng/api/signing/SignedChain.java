package org.liveng.api.signing;

import java.util.List;
import java.util.Map;

import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/**
 * The result of assembling a chain.
 *
 * @param espFiles EFI executables, certificates and enrolment files for the ESP
 * @param kernels kernel images as they must be written (re-signed or unchanged), by version
 * @param grubConfigDirectory the ESP directory where this chain's GRUB reads {@code grub.cfg}
 * @param instructions first-boot instructions for the user (e.g. MOK enrolment), possibly empty
 */
public record SignedChain(List<FileSpec> espFiles, Map<String, Content> kernels, String grubConfigDirectory, List<String> instructions) {
    public SignedChain {
        espFiles = List.copyOf(espFiles);
        kernels = Map.copyOf(kernels);
        instructions = List.copyOf(instructions);
    }
}
