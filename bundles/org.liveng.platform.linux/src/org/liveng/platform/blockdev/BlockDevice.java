package org.liveng.platform.blockdev;

import java.util.List;

/**
 * What the kernel says about a block device at one moment.
 *
 * @param path the path as the user gave it
 * @param devicePath the canonical {@code /dev} node (symlinks such as {@code /dev/disk/by-id/...} resolved)
 * @param kernelName the kernel's name ({@code sdb}, {@code loop3}, {@code nvme0n1p2})
 * @param majorMinor {@code major:minor}
 * @param partitionOf for a partition, the kernel name of its disk; {@code null} for a whole disk
 * @param sizeBytes the size
 * @param logicalSectorSize the logical sector size in bytes
 * @param removable the kernel's removable flag (USB sticks and card readers; loop devices are not)
 * @param readOnly the kernel's read-only flag
 * @param model vendor and model as the device reports them, or the backing file of a loop device; may be empty
 * @param serial the serial number or WWID; may be empty
 * @param byIdNames the {@code /dev/disk/by-id} names that point at it
 * @param partitions the kernel names of its partitions
 * @param mounts the filesystems on it or its partitions that are mounted, as {@code "/dev/sdb1 on /media/x"}
 * @param holdsRoot whether it or one of its partitions holds the running system's {@code /}
 * @param swaps the parts of it that are active swap
 * @param holders the kernel devices stacked on it or its partitions (device-mapper, RAID)
 * @param busy whether an exclusive open fails with {@code EBUSY}
 * @param tableFingerprint SHA-256 of the sectors holding its partition tables (the first and last 34 sectors)
 */
public record BlockDevice(String path, String devicePath, String kernelName, String majorMinor, String partitionOf, long sizeBytes,
        int logicalSectorSize, boolean removable, boolean readOnly, String model, String serial, List<String> byIdNames,
        List<String> partitions, List<String> mounts, boolean holdsRoot, List<String> swaps, List<String> holders, boolean busy,
        String tableFingerprint) {

    public BlockDevice {
        byIdNames = List.copyOf(byIdNames);
        partitions = List.copyOf(partitions);
        mounts = List.copyOf(mounts);
        swaps = List.copyOf(swaps);
        holders = List.copyOf(holders);
    }

    /** Whether this is a whole disk rather than a partition. */
    public boolean wholeDisk() {
        return partitionOf == null;
    }

    /** The facts that must not change between planning and writing. */
    public Identity identity() {
        return new Identity(devicePath, majorMinor, sizeBytes, model, serial, tableFingerprint);
    }

    /** One line naming the device for people: path, size, model, serial. */
    public String describe() {
        StringBuilder b = new StringBuilder(devicePath).append(" (").append(String.format("%.1f GiB", sizeBytes / (double) (1L << 30)));
        if (!model.isEmpty()) {
            b.append(", ").append(model);
        }
        if (!serial.isEmpty()) {
            b.append(", serial ").append(serial);
        }
        if (!byIdNames.isEmpty()) {
            b.append(", ").append(byIdNames.get(0));
        }
        return b.append(removable ? ", removable" : ", not removable").append(')').toString();
    }

    /**
     * The identity a plan is bound to.
     *
     * @param tableFingerprint see {@link BlockDevice#tableFingerprint()}
     */
    public record Identity(String devicePath, String majorMinor, long sizeBytes, String model, String serial, String tableFingerprint) {

        /** A SHA-256 over every field: equal digests, same identity. */
        public String digest() {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                String all = String.join("\n", devicePath, majorMinor, Long.toString(sizeBytes), model, serial, tableFingerprint);
                return java.util.HexFormat.of().formatHex(md.digest(all.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** What differs from {@code now}, in words; empty when nothing does. */
        public List<String> differences(Identity now) {
            List<String> d = new java.util.ArrayList<>();
            if (!devicePath.equals(now.devicePath) || !majorMinor.equals(now.majorMinor)) {
                d.add("it is now " + now.devicePath + " (" + now.majorMinor + "), it was " + devicePath + " (" + majorMinor + ")");
            }
            if (sizeBytes != now.sizeBytes) {
                d.add("its size is now " + now.sizeBytes + " bytes, it was " + sizeBytes);
            }
            if (!model.equals(now.model) || !serial.equals(now.serial)) {
                d.add("it is now '" + now.model + "' serial '" + now.serial + "', it was '" + model + "' serial '" + serial + "'");
            }
            if (!tableFingerprint.equals(now.tableFingerprint)) {
                d.add("its partition table changed");
            }
            return d;
        }
    }
}
