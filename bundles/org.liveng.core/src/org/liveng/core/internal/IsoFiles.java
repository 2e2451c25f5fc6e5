package org.liveng.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Medium;
import org.liveng.format.iso9660.IsoMedium;

/** Opening an ISO file named by the user, with errors that say what is wrong with the path. */
public final class IsoFiles {
    private IsoFiles() {
    }

    /** The ISO as a medium; the caller closes it. */
    public static Medium open(Path iso) throws LivengException {
        if (!Files.exists(iso)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, iso + ": no such file", "give the path of a live ISO image");
        }
        if (Files.isDirectory(iso)) {
            throw new LivengException(ErrorCodes.USAGE, iso + " is a directory, not an ISO image", "give the path of a live ISO image");
        }
        if (!Files.isReadable(iso)) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, iso + ": permission denied", "check the file's permissions");
        }
        try {
            return IsoMedium.open(iso);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, iso + ": cannot open: " + e.getMessage(), null, e);
        }
    }
}
