package org.liveng.api.boot;

import java.util.List;

/**
 * The boot menu both firmwares show.
 *
 * @param entries entries in menu order
 * @param timeoutSeconds menu timeout
 * @param serialConsole whether the menu also goes to the first serial port
 */
public record BootMenu(List<BootEntry> entries, int timeoutSeconds, boolean serialConsole) {
    public BootMenu {
        entries = List.copyOf(entries);
    }
}
