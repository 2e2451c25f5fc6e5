package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.LivengException;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** jnr-posix works inside Equinox (the fragment and dynamic imports are right) and tells the truth. */
@ExtendWith(ServiceExtension.class)
class NativeCallsTest {

    @InjectService(timeout = 5000)
    NativeCalls posix;

    @Test
    void effectiveUidMatchesId() throws Exception {
        assertEquals(Integer.parseInt(Fixtures.run("id", "-u").strip()), posix.geteuid());
    }

    @Test
    void aRegularFileIsNotInUse(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("plain"), "x");
        assertFalse(posix.inUseExclusively(f.toString()));
    }

    @Test
    void missingPathFailNamesTheErrno() {
        LivengException e = assertThrows(LivengException.class, () -> posix.inUseExclusively("/nonexistent/liveng-test"));
        assertTrue(e.getMessage().contains("/nonexistent/liveng-test") && e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void aMountedLoopDeviceIsInUseAndFreeAfterUnmount(@TempDir Path dir) throws Exception {
        assertEquals(0, posix.geteuid(), "this test needs root (loop devices and mount); CI runs as root");
        Path img = dir.resolve("disk.img");
        try (RandomAccessFile raf = new RandomAccessFile(img.toFile(), "rw")) {
            raf.setLength(16L << 20);
        }
        Fixtures.run("mkfs.ext4", "-q", "-F", img.toString());
        String loop = Fixtures.run("losetup", "--find", "--show", img.toString()).strip();
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try {
            assertFalse(posix.inUseExclusively(loop), loop + " is attached but not mounted");
            Fixtures.run("mount", loop, mnt.toString());
            try {
                assertTrue(posix.inUseExclusively(loop), loop + " is mounted");
            } finally {
                Fixtures.run("umount", mnt.toString());
            }
            assertFalse(posix.inUseExclusively(loop), loop + " after umount");
        } finally {
            Fixtures.run("losetup", "-d", loop);
        }
    }
}
