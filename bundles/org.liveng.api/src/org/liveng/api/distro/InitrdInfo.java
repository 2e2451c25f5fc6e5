package org.liveng.api.distro;

import java.util.ArrayList;
import java.util.List;

/**
 * What an initrd can do, as far as liveng cares.
 *
 * @param size size in bytes
 * @param segments the concatenated archives, in order, e.g. {@code [none, zstd]} for
 *        an uncompressed early microcode archive followed by a zstd main archive
 * @param entries number of entries over all segments
 * @param liveBoot whether live-boot's scripts are present
 * @param liveBootVersion live-boot's version when it can be told, else empty
 * @param cryptsetup whether the cryptsetup binary is present
 * @param dmCrypt whether dm-crypt is available (module present or built in)
 * @param kernelModulesVersion the kernel release the initrd's modules are for, or empty
 * @param encryptionReady whether live-boot can unlock LUKS persistence with this initrd
 */
public record InitrdInfo(
        long size,
        List<String> segments,
        int entries,
        boolean liveBoot,
        String liveBootVersion,
        boolean cryptsetup,
        boolean dmCrypt,
        String kernelModulesVersion,
        boolean encryptionReady) {

    public InitrdInfo {
        segments = List.copyOf(segments);
    }

    /**
     * What live-boot lacks in this initrd to unlock LUKS persistence, in words ({@code live-boot}, {@code cryptsetup},
     * {@code dm-crypt/dm-mod kernel modules}); empty when nothing is missing.
     *
     * @since 0.2
     */
    public List<String> missingForEncryption() {
        List<String> m = new ArrayList<>();
        if (!liveBoot) {
            m.add("live-boot");
        }
        if (!cryptsetup) {
            m.add("cryptsetup");
        }
        if (!dmCrypt) {
            m.add("dm-crypt/dm-mod kernel modules");
        }
        return List.copyOf(m);
    }
}
