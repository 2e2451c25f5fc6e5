package org.liveng.api.kernel;

/**
 * The outcome of a kernel update.
 *
 * @param slot GPT name of the slot written
 * @param version kernel release now in that slot
 * @param generation the slot's generation counter
 * @param bootDefault GPT name of the slot that boots next
 */
public record UpdateResult(String slot, String version, long generation, String bootDefault) {
}
