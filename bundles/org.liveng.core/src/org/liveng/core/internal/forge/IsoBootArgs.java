package org.liveng.core.internal.forge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.api.medium.Medium;

/**
 * The kernel arguments the distro itself boots its live system with: the
 * first {@code linux} line of the ISO's GRUB menu (live-build writes e.g.
 * {@code boot=live components quiet splash}), minus what only makes sense on
 * the ISO ({@code BOOT_IMAGE=}, {@code initrd=}, {@code findiso=}).
 */
final class IsoBootArgs {
    private IsoBootArgs() {
    }

    static List<String> read(Medium iso) throws LivengException {
        if (iso.stat("/boot/grub/grub.cfg").isEmpty()) {
            return List.of();
        }
        return parse(new String(iso.readAll("/boot/grub/grub.cfg", 1 << 20), StandardCharsets.UTF_8));
    }

    static List<String> parse(String cfg) {
        for (String line : cfg.split("\n")) {
            String t = line.strip();
            if (t.startsWith("linux ") || t.startsWith("linuxefi ")) {
                String[] words = t.split("\\s+");
                List<String> args = new ArrayList<>();
                for (int i = 2; i < words.length; i++) {
                    String w = words[i];
                    if (w.startsWith("BOOT_IMAGE=") || w.startsWith("initrd=") || w.startsWith("findiso=") || w.contains("$")
                            || !w.matches("[A-Za-z0-9=,._:/+@%-]+")) {
                        continue;
                    }
                    args.add(w);
                }
                return args;
            }
        }
        return List.of();
    }
}
