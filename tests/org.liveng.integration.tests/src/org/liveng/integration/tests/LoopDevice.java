package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.liveng.api.LivengException;

/** A real loop device over a file in a test folder, detached on close. Needs root (as CI runs). */
final class LoopDevice implements AutoCloseable {
    final Path backing;
    final Path device;
    private final List<String[]> cleanups = new ArrayList<>();

    private LoopDevice(Path backing, Path device) {
        this.backing = backing;
        this.device = device;
    }

    /** A loop device over a new file of {@code mib} MiB, filled with seeded garbage when {@code garbage}. */
    static LoopDevice create(Path dir, String name, long mib, boolean garbage, String... losetupFlags) throws Exception {
        return create(dir, name, mib, garbage, file -> {
        }, losetupFlags);
    }

    /** Something done to the backing file before it becomes a device (e.g. partitioning it). */
    interface Preparation {
        void prepare(Path file) throws Exception;
    }

    static LoopDevice create(Path dir, String name, long mib, boolean garbage, Preparation preparation, String... losetupFlags)
            throws Exception {
        if (!Fixtures.run("id", "-u").strip().equals("0")) {
            fail("this test needs root to set up loop devices (CI runs as root)");
        }
        Path file = dir.resolve(name + ".img");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (garbage) {
                byte[] chunk = new byte[1 << 20];
                new Random(mib).nextBytes(chunk);
                for (long i = 0; i < mib; i++) {
                    ch.write(ByteBuffer.wrap(chunk), i << 20);
                }
            } else {
                ch.write(ByteBuffer.allocate(1), (mib << 20) - 1);
            }
        }
        preparation.prepare(file);
        List<String> argv = new ArrayList<>(List.of("losetup", "--find", "--show"));
        argv.addAll(List.of(losetupFlags));
        argv.add(file.toString());
        String dev = Fixtures.run(argv.toArray(String[]::new)).strip();
        return new LoopDevice(file, Path.of(dev));
    }

    /** Runs {@code argv} now and {@code undo} (e.g. umount, swapoff) before the device is detached. */
    void using(String[] argv, String... undo) throws LivengException {
        Fixtures.run(argv);
        cleanups.add(0, undo);
    }

    @Override
    public void close() {
        for (String[] undo : cleanups) {
            try {
                Fixtures.run(undo);
            } catch (LivengException e) {
                // best effort; the detach below reports a leftover
            }
        }
        try {
            Fixtures.run("losetup", "-d", device.toString());
        } catch (LivengException e) {
            throw new IllegalStateException("could not detach " + device + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
