package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.kernel.StickAccess;
import org.liveng.format.fat.FatReader;
import org.liveng.format.gpt.GptDisk;
import org.liveng.format.gpt.GptPartition;

/** {@link StickAccess} over an image file and its GPT: partitions by name, ESP files through the FAT reader. */
final class ImageStick implements StickAccess {
    private final FileChannel file;
    private final GptDisk disk;

    ImageStick(FileChannel file, GptDisk disk) {
        this.file = file;
        this.disk = disk;
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
        throw new LivengException(ErrorCodes.UNSUPPORTED, "replacing ESP files of an image is not available yet");
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
