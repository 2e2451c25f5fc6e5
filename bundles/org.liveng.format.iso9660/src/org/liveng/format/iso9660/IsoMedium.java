package org.liveng.format.iso9660;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;

/**
 * An {@link IsoImage} seen as a {@link Medium}: paths like {@code /live/vmlinuz} in the image's
 * preferred namespace (Rock Ridge, else Joliet, else ISO 9660 names). {@link #open(String)}
 * follows symbolic links inside the image; {@link #stat(String)} does not.
 */
public final class IsoMedium implements Medium {
    private final IsoImage image;

    public IsoMedium(IsoImage image) {
        this.image = image;
    }

    /** Opens an image file as a medium. */
    public static IsoMedium open(Path file) throws FormatException, IOException {
        return new IsoMedium(IsoImage.open(file));
    }

    /** Opens a channel as a medium; the medium owns the channel. */
    public static IsoMedium open(SeekableByteChannel ch, String source) throws FormatException, IOException {
        return new IsoMedium(IsoImage.open(ch, source));
    }

    /** The underlying image. */
    public IsoImage image() {
        return image;
    }

    @Override
    public String source() {
        return image.source();
    }

    @Override
    public String volumeId() {
        return image.volumeId();
    }

    @Override
    public String uuid() {
        return image.uuid();
    }

    @Override
    public long size() {
        return image.size();
    }

    @Override
    public Optional<MediumEntry> stat(String path) {
        return image.lookup(path).map(IsoMedium::toMedium);
    }

    @Override
    public List<MediumEntry> list(String directory) throws LivengException {
        IsoEntry dir = image.lookup(directory).orElseThrow(() -> notFound(directory, "no such directory"));
        if (!dir.isDirectory()) {
            throw notFound(directory, "not a directory");
        }
        List<MediumEntry> out = new ArrayList<>();
        for (IsoEntry e : image.list(dir)) {
            out.add(toMedium(e));
        }
        return out;
    }

    @Override
    public InputStream open(String path) throws LivengException {
        IsoEntry e = image.resolve(path).orElseThrow(() -> notFound(path, "no such file"));
        if (!e.isFile()) {
            throw notFound(path, "not a regular file");
        }
        return image.open(e);
    }

    @Override
    public void close() throws IOException {
        image.close();
    }

    private LivengException notFound(String path, String what) {
        return new LivengException(ErrorCodes.NOT_FOUND, image.source() + ": " + path + ": " + what);
    }

    static MediumEntry toMedium(IsoEntry e) {
        MediumEntry.Type t = switch (e.type()) {
            case FILE -> MediumEntry.Type.FILE;
            case DIRECTORY -> MediumEntry.Type.DIRECTORY;
            case SYMLINK -> MediumEntry.Type.SYMLINK;
        };
        return new MediumEntry(e.path(), t, e.isFile() ? e.size() : 0, e.permissions(), e.modified(), e.symlinkTarget());
    }
}
