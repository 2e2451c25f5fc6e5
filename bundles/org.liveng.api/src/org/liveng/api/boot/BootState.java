package org.liveng.api.boot;

import java.util.List;
import java.util.Map;

/**
 * Which kernel slot boots, kept by the bootloader on the ESP and changed by
 * the kernel update strategy and the bless service.
 *
 * <p>At boot the bootloader takes the slots in {@link #order()}: a
 * {@link Status#GOOD} slot boots; a {@link Status#TRIAL} slot with tries left
 * boots after one try is used up (and written back); a trial slot without
 * tries left becomes {@link Status#BAD}; then the next slot in order is taken;
 * if none qualifies, the fallback entry boots. The bless service marks a trial
 * slot good once the system came up.
 *
 * @param order slot ids, preferred first
 * @param slots state of each slot by id
 */
public record BootState(List<String> order, Map<String, Slot> slots) {
    public BootState {
        order = List.copyOf(order);
        slots = Map.copyOf(slots);
    }

    /** A slot's state and the boot tries it has left (meaningful for {@link Status#TRIAL}). */
    public record Slot(Status status, int triesLeft) {
        public Slot {
            if (triesLeft < 0 || triesLeft > 9) {
                throw new IllegalArgumentException("tries left must be 0..9: " + triesLeft);
            }
        }
    }

    public enum Status { EMPTY, GOOD, TRIAL, BAD }
}
