package org.liveng.testing.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One TCG VM at a time on this host: a lock file in the temporary folder, held from QEMU's start to
 * its {@link Boot#close()}. Test JVMs of parallel builds wait for each other instead of sharing two
 * cores between two emulated machines (which makes both miss their timeouts). Within one JVM the
 * slot is counted, so a test that deliberately runs two machines is not blocked by itself.
 */
final class VmSlot {
    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "liveng-qemu.lock");
    private static int holders;
    private static FileChannel channel;
    private static FileLock lock;

    private VmSlot() {
    }

    /** Blocks until this JVM holds the host's VM slot; returns the release action. */
    static synchronized Runnable acquire() throws IOException {
        if (holders == 0) {
            channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        holders++;
        boolean[] released = {false};
        return () -> release(released);
    }

    private static synchronized void release(boolean[] released) {
        if (released[0]) {
            return;
        }
        released[0] = true;
        if (--holders == 0) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing the channel drops the lock in any case
            }
            lock = null;
            channel = null;
        }
    }
}
