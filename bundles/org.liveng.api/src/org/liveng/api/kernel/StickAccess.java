package org.liveng.api.kernel;

import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

import org.liveng.api.LivengException;
import org.liveng.api.boot.BootState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Access to a forged stick (image or device) for a kernel update: partitions
 * are found by GPT name, never by number. Implemented by liveng's core.
 */
@ProviderType
public interface StickAccess {

    /** A read/write channel over one partition; positions are relative to the partition start. */
    SeekableByteChannel partition(String gptName) throws LivengException;

    /**
     * The GPT unique partition GUID (PARTUUID, lower case) of the partition with that name, empty when the stick has no
     * such partition. A slot records its persistence's GUID: the modules of an updated kernel live there.
     */
    Optional<String> partitionGuid(String gptName) throws LivengException;

    /** The size of the partition in bytes. */
    long partitionSize(String gptName) throws LivengException;

    /** Reads a file from the ESP, if present. */
    Optional<byte[]> readEspFile(String path) throws LivengException;

    /** Replaces a file on the ESP so that a crash leaves either the old or the new content. */
    void replaceEspFile(String path, byte[] content) throws LivengException;

    /** Flushes everything written so far to stable storage. */
    void sync() throws LivengException;

    /** The boot state the bootloader keeps on the ESP. */
    BootState bootState() throws LivengException;

    /**
     * Writes the boot state so that a crash at any point leaves either the old or the new state for the bootloader, then
     * syncs. Refuses a state whose file would not be replaced that way.
     */
    void writeBootState(BootState state) throws LivengException;
}
