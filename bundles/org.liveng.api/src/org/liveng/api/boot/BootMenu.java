package org.liveng.api.boot;

import java.util.List;

/**
 * The boot menu both firmwares show.
 *
 * @param entries entries in menu order; the bootloader picks the default from the {@link BootState}
 * @param timeoutSeconds menu timeout
 * @param serialConsole whether the menu also goes to the first serial port
 * @param stateVolume the filesystem UUID of the volume holding the boot state (the ESP)
 * @param statePath path of the boot state file in that volume, e.g. {@code /liveng/grubenv}
 */
public record BootMenu(List<BootEntry> entries, int timeoutSeconds, boolean serialConsole, String stateVolume, String statePath) {
    public BootMenu {
        entries = List.copyOf(entries);
    }
}
