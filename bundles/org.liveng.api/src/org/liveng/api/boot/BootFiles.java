package org.liveng.api.boot;

import java.util.List;

import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/**
 * What a bootloader needs written.
 *
 * @param espFiles files for the EFI System Partition (configuration, boot state, BIOS modules)
 * @param mbrBootCode the 440 bytes of boot code for the protective MBR (BIOS), or {@code null}
 * @param biosBootImage content of the BIOS boot partition (the core image), or {@code null}
 */
public record BootFiles(List<FileSpec> espFiles, byte[] mbrBootCode, Content biosBootImage) {
    public BootFiles {
        espFiles = List.copyOf(espFiles);
        mbrBootCode = mbrBootCode == null ? null : mbrBootCode.clone();
    }
}
