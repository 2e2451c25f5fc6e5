package org.liveng.crypt.none.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Support;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.crypt.PersistenceRequest;
import org.liveng.api.crypt.PersistenceResult;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.recipe.Recipe;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code none}: plain ext4 persistence, copied extent by extent. */
@Component(service = PersistenceEncryption.class, property = "liveng.id=none")
public final class PlainPersistence implements PersistenceEncryption {
    private static final int CHUNK = 1 << 20;
    private final NativeCalls posix;

    @Activate
    public PlainPersistence(@Reference NativeCalls posix) {
        this.posix = posix;
    }

    @Override
    public String id() {
        return "none";
    }

    @Override
    public String description() {
        return "no encryption: plain ext4 persistence";
    }

    @Override
    public Support supports(Recipe recipe, InitrdInfo initrd) {
        return initrd.liveBoot() ? Support.yes() : Support.no("the initrd has no live-boot, which mounts the persistence");
    }

    @Override
    public boolean needsPassphrase() {
        return false;
    }

    @Override
    public PersistenceResult write(PersistenceRequest r) throws LivengException {
        List<long[]> ranges = posix.dataRanges(r.plainImage());
        try (FileChannel in = FileChannel.open(r.plainImage(), StandardOpenOption.READ)) {
            if (in.size() > r.length()) {
                throw new LivengException(ErrorCodes.INTERNAL, "the persistence image (" + in.size()
                        + " bytes) is larger than its partition (" + r.length() + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            for (long[] range : ranges) {
                for (long pos = range[0]; pos < range[1];) {
                    buf.clear().limit((int) Math.min(CHUNK, range[1] - pos));
                    int n = in.read(buf, pos);
                    if (n <= 0) {
                        throw new LivengException(ErrorCodes.IO, r.plainImage() + " ended early at " + pos);
                    }
                    buf.flip();
                    r.target().position(r.offset() + pos);
                    while (buf.hasRemaining()) {
                        r.target().write(buf);
                    }
                    pos += n;
                }
            }
            return new PersistenceResult("ext4", "", List.of(), Map.of("written-bytes", Long.toString(
                    ranges.stream().mapToLong(x -> x[1] - x[0]).sum()), "image-bytes", Long.toString(Files.size(r.plainImage()))));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "writing the persistence partition failed: " + e.getMessage(), null, e);
        }
    }
}
