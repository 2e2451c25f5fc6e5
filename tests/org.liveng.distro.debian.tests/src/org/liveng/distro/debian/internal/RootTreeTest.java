package org.liveng.distro.debian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Path resolution in a merged-/usr tree, the way the kernel resolves paths inside an initrd. */
class RootTreeTest {
    static RootTree mergedUsr() {
        RootTree t = new RootTree();
        t.add("usr/sbin/cryptsetup", RootTree.Kind.FILE, null, 10, 0755);
        t.add("usr/lib/x86_64-linux-gnu/libfoo.so.1.2", RootTree.Kind.FILE, null, 10, 0644);
        t.add("usr/lib/x86_64-linux-gnu/libfoo.so.1", RootTree.Kind.SYMLINK, "libfoo.so.1.2", 0, 0777);
        t.add("sbin", RootTree.Kind.SYMLINK, "usr/sbin", 0, 0777);
        t.add("lib", RootTree.Kind.SYMLINK, "usr/lib", 0, 0777);
        t.add("lib64", RootTree.Kind.SYMLINK, "/usr/lib64", 0, 0777);
        t.add("usr/lib64/ld.so", RootTree.Kind.SYMLINK, "../lib/x86_64-linux-gnu/libfoo.so.1", 0, 0777);
        t.add("loop", RootTree.Kind.SYMLINK, "loop", 0, 0777);
        return t;
    }

    @Test
    void linksAreFollowedInEveryComponent() {
        RootTree t = mergedUsr();
        assertEquals(Optional.of("usr/sbin/cryptsetup"), t.resolve("/sbin/cryptsetup"));
        assertEquals(Optional.of("usr/lib/x86_64-linux-gnu/libfoo.so.1.2"), t.resolve("lib/x86_64-linux-gnu/libfoo.so.1"));
        assertEquals(Optional.of("usr/lib/x86_64-linux-gnu/libfoo.so.1.2"), t.resolve("lib64/ld.so"), "absolute and relative targets");
        assertEquals(Optional.of("usr/lib/x86_64-linux-gnu/libfoo.so.1"), t.resolveParent("lib/x86_64-linux-gnu/libfoo.so.1"));
    }

    @Test
    void missingPathsLoopsAndFilesUsedAsFoldersResolveToNothing() {
        RootTree t = mergedUsr();
        assertTrue(t.resolve("sbin/dmsetup").isEmpty());
        assertTrue(t.resolve("loop").isEmpty(), "a link loop ends after " + RootTree.MAX_LINKS + " links");
        assertTrue(t.resolve("usr/sbin/cryptsetup/x").isEmpty());
        assertEquals(Optional.of("usr"), t.resolve("usr/sbin/../../usr"), ".. never leaves the root");
    }

    @Test
    void placementGoesThroughExistingLinksAndKeepsTheMissingRest() {
        RootTree t = mergedUsr();
        assertEquals("usr/lib/cryptsetup/askpass", t.placement("lib/cryptsetup/askpass"));
        assertEquals("usr/sbin/cryptsetup", t.placement("sbin/cryptsetup"));
        assertEquals("etc/new/file", t.placement("/etc/new/file"));
        assertEquals(java.util.List.of("cryptsetup"), t.list("usr/sbin"));
    }
}
