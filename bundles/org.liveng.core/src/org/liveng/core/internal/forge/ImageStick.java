package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.Bootloader;
import org.liveng.api.kernel.StickAccess;
import org.liveng.format.fat.FatReader;
import org.liveng.format.gpt.GptDisk;
import org.liveng.format.gpt.GptPartition;

/**
 * {@link StickAccess} over an image file or device and its GPT: partitions by name, ESP files through the FAT reader,
 * the boot state through the bootloader's codec.
 *
 * <p>Crash model of {@link #writeBootState}: the state file has a fixed size and is rewritten in place, in the clusters
 * it already has (neither the FAT nor the directory entry is written, see {@link FatReader#replaceFileContent}); the
 * write is refused unless every byte that changes lies in the file's first 512-byte sector, which starts sector-aligned
 * (a cluster start). The bytes of the other sectors are rewritten with what they hold. So a crash, or a write of which
 * only whole 512-byte sectors land, leaves the old or the new state: the premise is that a storage device writes a
 * 512-byte sector old-or-new, which is also what GRUB's own {@code save_env} relies on at every boot.
 */
public final class ImageStick implements StickAccess {
    /** The part of the state file that may change in one crash-safe write. */
    static final int SECTOR = 512;
    private final FileChannel file;
    private final GptDisk disk;
    private final Bootloader bootloader;
    private final String statePath;

    /**
     * @param bootloader the codec of the boot state, or null while forge installs the first kernel (no state yet)
     * @param statePath the boot state file on the ESP
     */
    public ImageStick(FileChannel file, GptDisk disk, Bootloader bootloader, String statePath) {
        this.file = file;
        this.disk = disk;
        this.bootloader = bootloader;
        this.statePath = statePath;
    }

    private GptPartition find(String name) throws LivengException {
        return disk.findByName(name).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, "the stick has no partition named " + name));
    }

    @Override
    public SeekableByteChannel partition(String gptName) throws LivengException {
        GptPartition p = find(gptName);
        return new RegionChannel(file, p.offsetBytes(disk.sectorSize()), p.sizeBytes(disk.sectorSize()));
    }

    @Override
    public Optional<String> partitionGuid(String gptName) {
        return disk.findByName(gptName).map(p -> p.uniqueGuid().toLowerCaseString());
    }

    @Override
    public long partitionSize(String gptName) throws LivengException {
        return find(gptName).sizeBytes(disk.sectorSize());
    }

    @Override
    public Optional<byte[]> readEspFile(String path) throws LivengException {
        try (FatReader fat = FatReader.open(partition(ForgeEngine.EFI), 0, ForgeEngine.EFI)) {
            if (fat.stat(path).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(fat.read(path, 64 << 20));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + path + " from the ESP failed: " + e.getMessage(), null, e);
        }
    }

    @Override
    public void replaceEspFile(String path, byte[] content) throws LivengException {
        byte[] old = readEspFile(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, "the ESP has no " + path
                + " to replace", "forge the stick again"));
        if (old.length != content.length) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, path + " on the ESP is " + old.length + " bytes; a crash-safe replacement "
                    + "keeps the size, the new content has " + content.length);
        }
        for (int i = SECTOR; i < old.length; i++) {
            if (old[i] != content[i]) {
                throw new LivengException(ErrorCodes.UNSUPPORTED, "the new " + path + " differs from the old one at byte " + i
                        + ", past its first sector: it could not be replaced old-or-new");
            }
        }
        try (FatReader fat = FatReader.open(partition(ForgeEngine.EFI), 0, ForgeEngine.EFI)) {
            fat.replaceFileContent(path, content);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "replacing " + path + " on the ESP failed: " + e.getMessage(), null, e);
        }
        sync();
    }

    @Override
    public BootState bootState() throws LivengException {
        byte[] b = readEspFile(statePath).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, "the ESP has no boot state "
                + statePath, "forge the stick again"));
        return codec().decodeState(b);
    }

    @Override
    public void writeBootState(BootState state) throws LivengException {
        replaceEspFile(statePath, codec().encodeState(state));
    }

    private Bootloader codec() throws LivengException {
        if (bootloader == null) {
            throw new LivengException(ErrorCodes.INTERNAL, "the boot state is not written before the boot loader");
        }
        return bootloader;
    }

    /** The partition table the stick was opened with. */
    public GptDisk disk() {
        return disk;
    }

    @Override
    public void sync() throws LivengException {
        try {
            file.force(true);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "sync failed: " + e.getMessage(), null, e);
        }
    }
}
