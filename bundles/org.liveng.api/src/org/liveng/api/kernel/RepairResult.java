package org.liveng.api.kernel;

/**
 * What a kernel repair found and did.
 *
 * @param strategy the stick's kernel update strategy
 * @param slot GPT name of the slot examined, empty when the strategy has no slot a repair rewrites
 * @param repaired whether the slot was rewritten
 * @param version kernel release the slot holds now, empty when there is none
 * @param generation the slot's generation counter now, 0 when there is none
 * @param message one line for the operator: what was found and what was done
 * @since 0.5
 */
public record RepairResult(String strategy, String slot, boolean repaired, String version, long generation, String message) {
}
