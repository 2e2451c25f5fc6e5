package org.liveng.distro.debian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The live system's cryptsetup-initramfs conf-hook, with CRYPTSETUP=y set once. */
class ConfHookTest {
    @Test
    void theCommentedDefaultIsSet() {
        assertEquals("# hook\n#KEYFILE_PATTERN=\nCRYPTSETUP=y\n", DebianInitrdAugmenter.withCryptsetupYes("# hook\n#KEYFILE_PATTERN=\n#CRYPTSETUP=\n"));
    }

    @Test
    void anAbsentSettingIsAppendedAndLaterOnesAreCommentedOut() {
        assertEquals("CRYPTSETUP=y\n", DebianInitrdAugmenter.withCryptsetupYes(""));
        assertEquals("ASKPASS=y\nCRYPTSETUP=y\n", DebianInitrdAugmenter.withCryptsetupYes("ASKPASS=y"));
        assertEquals("CRYPTSETUP=y\n#CRYPTSETUP=n\n", DebianInitrdAugmenter.withCryptsetupYes("CRYPTSETUP=n\nCRYPTSETUP=n\n"));
    }
}
