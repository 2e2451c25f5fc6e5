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
 * @param report facts for forge's manifest, name to value (e.g. hashes to enrol), possibly empty; since 0.2
 */
public record SignedChain(List<FileSpec> espFiles, Map<String, Content> kernels, String grubConfigDirectory, List<String> instructions,
        Map<String, String> report) {
    public SignedChain {
        espFiles = List.copyOf(espFiles);
        kernels = Map.copyOf(kernels);
        instructions = List.copyOf(instructions);
        report = Map.copyOf(report);
    }

    /** A chain with nothing to report. */
    public SignedChain(List<FileSpec> espFiles, Map<String, Content> kernels, String grubConfigDirectory, List<String> instructions) {
        this(espFiles, kernels, grubConfigDirectory, instructions, Map.of());
    }
}
