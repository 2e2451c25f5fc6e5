package org.liveng.api.kernel;

import java.util.List;

import org.liveng.api.boot.BootState;

/**
 * A stick's kernel slots and boot state.
 *
 * @param target the image file or device
 * @param strategy the kernel update strategy the stick was forged with
 * @param slots every slot as read back
 * @param state the boot state on the ESP
 */
public record StickStatus(String target, String strategy, List<SlotInfo> slots, BootState state) {
    public StickStatus {
        slots = List.copyOf(slots);
    }
}
