package org.liveng.api.plan;

import java.util.List;

/**
 * Exactly what forge will write, and where, before a byte is written. Pure
 * data: printing it is the dry run.
 *
 * @param target the image file or device
 * @param sizeBytes total size of the target in bytes
 * @param diskGuid the GPT disk GUID
 * @param partitions partitions in on-disk order
 * @param notes remarks for the user (complete sentences)
 * @param targetIdentity for a device, a digest of its identity (node, size, model, serial, partition table) when planned, which
 *        {@link ForgeRequest#boundIdentity()} can bind a forge to; empty for an image file
 */
public record ImagePlan(String target, long sizeBytes, String diskGuid, List<PartitionPlan> partitions, List<String> notes,
        String targetIdentity) {
    public ImagePlan {
        partitions = List.copyOf(partitions);
        notes = List.copyOf(notes);
    }
}
