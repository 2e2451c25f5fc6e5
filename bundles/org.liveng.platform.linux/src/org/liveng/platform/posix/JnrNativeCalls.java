package org.liveng.platform.posix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.osgi.service.component.annotations.Component;

import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;

/**
 * {@link NativeCalls} through jnr-posix's native (not Java-emulated) implementation. Binding the native
 * library takes a few hundred milliseconds (jnr generates its call stubs), so it starts on a thread of its
 * own when the component is created and the first call waits for it: a command's other start-up work (an
 * ISO's inspection) runs meanwhile on the other core.
 */
@Component(service = NativeCalls.class)
public final class JnrNativeCalls implements NativeCalls {
    private final CompletableFuture<POSIX> binding = new CompletableFuture<>();

    public JnrNativeCalls() {
        Thread t = new Thread(() -> {
            try {
                binding.complete(POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler()));
            } catch (RuntimeException | LinkageError e) {
                binding.completeExceptionally(e);
            }
        }, "liveng-jnr-binding");
        t.setContextClassLoader(JnrNativeCalls.class.getClassLoader());
        t.setDaemon(true);
        t.start();
    }

    private POSIX posix() {
        try {
            return binding.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Whether the native library loaded (jnr falls back to a Java emulation otherwise). */
    public boolean isNative() {
        return posix().isNative();
    }

    @Override
    public int geteuid() {
        return posix().geteuid();
    }

    @Override
    public boolean isatty(int fd) {
        return posix().libc().isatty(fd) == 1;
    }

    /** Linux's lseek whence values for sparse files. */
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    @Override
    public java.util.List<long[]> dataRanges(java.nio.file.Path file) throws LivengException {
        int fd = posix().open(file.toString(), OpenFlags.O_RDONLY.intValue(), 0);
        if (fd < 0) {
            Errno e = Errno.valueOf(posix().errno());
            throw new LivengException(ErrorCodes.IO, file + ": cannot open: " + e.description() + " (" + e.name() + ")", null);
        }
        try {
            long size = java.nio.file.Files.size(file);
            java.util.List<long[]> ranges = new java.util.ArrayList<>();
            long pos = 0;
            while (pos < size) {
                long data = posix().lseekLong(fd, pos, SEEK_DATA);
                if (data < 0) {
                    if (posix().errno() == Errno.ENXIO.intValue()) {
                        break; // no data after pos
                    }
                    return java.util.List.of(new long[] { 0, size });
                }
                long hole = posix().lseekLong(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    hole = size;
                }
                ranges.add(new long[] { data, Math.min(hole, size) });
                pos = hole;
            }
            return ranges;
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, file + ": " + e.getMessage(), null, e);
        } finally {
            posix().close(fd);
        }
    }

    @Override
    public boolean inUseExclusively(String path) throws LivengException {
        int fd = posix().open(path, OpenFlags.O_RDONLY.intValue() | OpenFlags.O_EXCL.intValue(), 0);
        if (fd >= 0) {
            posix().close(fd);
            return false;
        }
        int errno = posix().errno();
        if (errno == Errno.EBUSY.intValue()) {
            return true;
        }
        throw new LivengException(ErrorCodes.IO, path + ": cannot open: " + Errno.valueOf(errno).description()
                + " (" + Errno.valueOf(errno).name() + ")", null);
    }

    @Override
    public AutoCloseable claimExclusively(String path) throws LivengException {
        int fd = posix().open(path, OpenFlags.O_RDONLY.intValue() | OpenFlags.O_EXCL.intValue(), 0);
        if (fd < 0) {
            Errno e = Errno.valueOf(posix().errno());
            throw new LivengException(e == Errno.EBUSY ? ErrorCodes.PREFLIGHT : ErrorCodes.IO,
                    path + ": cannot claim it exclusively: " + e.description() + " (" + e.name() + ")",
                    e == Errno.EBUSY ? "it is mounted, active swap or held by another program; release it first" : null);
        }
        return () -> posix().close(fd);
    }
}
