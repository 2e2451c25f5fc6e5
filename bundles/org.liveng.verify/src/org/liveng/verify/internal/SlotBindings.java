package org.liveng.verify.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.LivengException;
import org.liveng.format.gpt.GptDisk;
import org.liveng.format.iso9660.IsoMedium;
import org.liveng.kernel.slots.SlotFiles;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

/**
 * Whether each kernel slot still has its modules. The ISO's own kernel finds them in the live system; a kernel
 * installed by an update finds them only in the persistence it was installed with (its slot manifest names that
 * partition's PARTUUID). A persistence that was re-created or removed since leaves that kernel without modules: it
 * would boot into a system that cannot load a driver.
 */
final class SlotBindings {
    private static final int MAX_MANIFEST = 64 * 1024;

    private SlotBindings() {
    }

    /**
     * @param slots the ISO 9660 volumes of the stick by partition name (kernel slots are those with a slot manifest)
     */
    static List<VerifyReport.Slot> check(GptDisk disk, Map<String, IsoMedium> slots) {
        Optional<String> current = disk.findByName(SlotFiles.PERSISTENCE).map(p -> p.uniqueGuid().toLowerCaseString());
        List<VerifyReport.Slot> out = new ArrayList<>();
        for (Map.Entry<String, IsoMedium> e : slots.entrySet()) {
            String part = e.getKey();
            SlotFiles.Manifest m;
            try {
                if (e.getValue().stat(SlotFiles.MANIFEST).isEmpty()) {
                    continue;
                }
                m = new Gson().fromJson(new String(e.getValue().readAll(SlotFiles.MANIFEST, MAX_MANIFEST), StandardCharsets.UTF_8),
                        SlotFiles.Manifest.class);
            } catch (LivengException | JsonParseException ex) {
                out.add(new VerifyReport.Slot(part, "", "", "", false, SlotFiles.MANIFEST + " does not read: " + ex.getMessage()));
                continue;
            }
            if (m == null || m.kernel() == null) {
                out.add(new VerifyReport.Slot(part, "", "", "", false, SlotFiles.MANIFEST + " names no kernel"));
                continue;
            }
            String modules = m.modules() == null ? SlotFiles.MODULES_SYSTEM : m.modules();
            String bound = m.persistence() == null ? "" : m.persistence();
            String problem = "";
            if (modules.equals(SlotFiles.MODULES_PERSISTENCE)) {
                if (current.isEmpty()) {
                    problem = "kernel " + m.kernel() + " was installed with persistence " + bound
                            + ", which holds its modules; this stick has no persistence partition";
                } else if (!current.get().equalsIgnoreCase(bound)) {
                    problem = "kernel " + m.kernel() + " was installed with persistence " + bound + ", which holds its modules; "
                            + "this stick's persistence is " + current.get() + " (re-created?): boot the other slot or install the kernel again";
                }
            } else if (!modules.equals(SlotFiles.MODULES_SYSTEM) && !modules.equals(SlotFiles.MODULES_NOWHERE)) {
                problem = "unknown modules location '" + modules + "' in " + SlotFiles.MANIFEST;
            }
            out.add(new VerifyReport.Slot(part, m.kernel(), modules, bound, problem.isEmpty(), problem));
        }
        return out;
    }
}
