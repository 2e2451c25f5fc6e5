package org.liveng.platform.posix;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.osgi.service.component.annotations.Component;

import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;

/** {@link NativeCalls} through jnr-posix's native (not Java-emulated) implementation. */
@Component(service = NativeCalls.class)
public final class JnrNativeCalls implements NativeCalls {
    private final POSIX posix;

    public JnrNativeCalls() {
        this.posix = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());
    }

    /** Whether the native library loaded (jnr falls back to a Java emulation otherwise). */
    public boolean isNative() {
        return posix.isNative();
    }

    @Override
    public int geteuid() {
        return posix.geteuid();
    }

    @Override
    public boolean isatty(int fd) {
        return posix.libc().isatty(fd) == 1;
    }

    @Override
    public boolean inUseExclusively(String path) throws LivengException {
        int fd = posix.open(path, OpenFlags.O_RDONLY.intValue() | OpenFlags.O_EXCL.intValue(), 0);
        if (fd >= 0) {
            posix.close(fd);
            return false;
        }
        int errno = posix.errno();
        if (errno == Errno.EBUSY.intValue()) {
            return true;
        }
        throw new LivengException(ErrorCodes.IO, path + ": cannot open: " + Errno.valueOf(errno).description()
                + " (" + Errno.valueOf(errno).name() + ")", null);
    }
}
