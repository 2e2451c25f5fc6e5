package org.liveng.api.plan;

/**
 * One partition of an {@link ImagePlan}.
 *
 * @param name GPT partition name, e.g. {@code LIVENG_SYSTEM}; partitions are found by it
 * @param typeGuid GPT partition type GUID
 * @param uuid GPT unique partition GUID
 * @param firstLba first logical block (512-byte sectors)
 * @param lastLba last logical block, inclusive
 * @param filesystem what it holds: {@code iso9660}, {@code vfat}, {@code ext4}, {@code luks2}, {@code raw}
 * @param filesystemUuid the filesystem UUID GRUB/blkid see, or empty
 * @param content what goes in, in words (source file, builder)
 */
public record PartitionPlan(
        String name,
        String typeGuid,
        String uuid,
        long firstLba,
        long lastLba,
        String filesystem,
        String filesystemUuid,
        String content) {

    public long sizeBytes() {
        return (lastLba - firstLba + 1) * 512L;
    }
}
