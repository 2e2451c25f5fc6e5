package org.liveng.api.kernel;

/**
 * A kernel slot as read back from the stick.
 *
 * @param id the slot's boot entry id, e.g. {@code a}
 * @param partition GPT name of the slot partition
 * @param version kernel release in the slot's manifest, empty when there is none
 * @param generation the manifest's generation counter, 0 when there is none
 * @param valid whether the slot's filesystem parses, carries the slot's UUID and its files match the manifest's hashes
 * @param problem why the slot is not valid, empty when it is
 */
public record SlotInfo(String id, String partition, String version, long generation, boolean valid, String problem) {
}
