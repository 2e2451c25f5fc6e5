package org.liveng.format.fat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;

/**
 * A {@link Medium} over a FAT volume. The volume id is the label, the uuid the serial as
 * {@code XXXX-XXXX}. Paths are matched case-insensitively (FAT semantics); entries carry
 * no POSIX mode (-1). Closing the medium closes the reader and its channel.
 */
public final class FatMedium implements Medium {
    private final FatReader reader;

    public FatMedium(FatReader reader) {
        this.reader = reader;
    }

    /** Opens a volume at {@code offset} of a file, read-only. */
    public static FatMedium open(Path file, long offset) throws LivengException {
        try {
            return new FatMedium(FatReader.open(file, offset, false));
        } catch (IOException e) {
            throw io("opening", file.toString(), e);
        }
    }

    public FatReader reader() {
        return reader;
    }

    @Override
    public String source() {
        return reader.source();
    }

    @Override
    public String volumeId() {
        return reader.label();
    }

    @Override
    public String uuid() {
        return reader.serialString();
    }

    @Override
    public long size() {
        return reader.size();
    }

    @Override
    public Optional<MediumEntry> stat(String path) throws LivengException {
        try {
            return reader.stat(path).map(FatMedium::entry);
        } catch (IOException e) {
            throw io("reading", path, e);
        }
    }

    @Override
    public List<MediumEntry> list(String directory) throws LivengException {
        try {
            List<MediumEntry> out = new ArrayList<>();
            for (FatEntry e : reader.list(directory)) {
                out.add(entry(e));
            }
            out.sort(Comparator.comparing(MediumEntry::name));
            return out;
        } catch (IOException e) {
            throw io("listing", directory, e);
        }
    }

    @Override
    public InputStream open(String path) throws LivengException {
        try {
            FatEntry e = reader.stat(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, source() + ": no file " + path));
            if (e.isDirectory()) {
                throw new LivengException(ErrorCodes.USAGE, source() + ": " + path + " is a directory");
            }
            return reader.open(e);
        } catch (IOException e) {
            throw io("reading", path, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static MediumEntry entry(FatEntry e) {
        return new MediumEntry(e.path(), e.isDirectory() ? MediumEntry.Type.DIRECTORY : MediumEntry.Type.FILE, e.size(), -1,
                e.modified(), null);
    }

    private static LivengException io(String what, String where, IOException e) {
        return new LivengException(ErrorCodes.IO, what + " " + where + " failed: " + e.getMessage(), null, e);
    }
}
