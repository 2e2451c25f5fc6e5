package org.liveng.boot.grub.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liveng.api.FormatException;

/**
 * What the menu {@link GrubConfig} renders decides at one boot without user action: which entry boots and the boot state
 * GRUB's {@code save_env} leaves behind. A model of that script for checking states GRUB would meet (crash tests, the
 * status command), kept next to the renderer so both change together:
 * <ul>
 * <li>{@code load_env} reads a block only when it is a valid environment block; otherwise no variable is set;</li>
 * <li>the slots are taken only when {@code liveng_order} is exactly one of the permutations of the slot ids the menu was
 * rendered for (any other value matches no {@code if} branch);</li>
 * <li>in order: {@code good} boots; {@code trial} with tries 1-9 boots after saving tries - 1; {@code trial} with any other
 * tries value is saved {@code bad} and skipped; any other status is skipped;</li>
 * <li>when no slot is picked, the default stays {@code fallback}, the original ISO kernel.</li>
 * </ul>
 * GRUB's {@code set fallback} (taken when an entry's kernel cannot be loaded at all) is not modelled: a damaged kernel
 * that loads does not trigger it, so a state is only safe when the picked entry itself is sound.
 */
public final class GrubBootResolver {
    public static final String FALLBACK = "fallback";

    /**
     * @param entry the id of the entry that boots
     * @param env the environment block after the boot's {@code save_env} calls (the input when nothing was saved or the
     *        block was not loadable)
     */
    public record Boot(String entry, byte[] env) {
    }

    private GrubBootResolver() {
    }

    public static Boot boot(List<String> slotIds, byte[] env) {
        Map<String, String> vars;
        try {
            vars = new LinkedHashMap<>(GrubEnv.decodeVariables(env));
        } catch (FormatException e) {
            return new Boot(FALLBACK, env);
        }
        String order = vars.get(GrubEnv.ORDER);
        List<String> ids = GrubConfig.permutations(slotIds).stream().filter(p -> String.join(" ", p).equals(order)).findFirst()
                .orElse(List.of());
        boolean saved = false;
        String picked = FALLBACK;
        for (String id : ids) {
            String status = vars.get(GrubEnv.statusVar(id));
            if ("good".equals(status)) {
                picked = id;
                break;
            }
            if (!"trial".equals(status)) {
                continue;
            }
            String tries = vars.get(GrubEnv.triesVar(id));
            if (tries != null && tries.matches("[1-9]")) {
                vars.put(GrubEnv.triesVar(id), Integer.toString(Integer.parseInt(tries) - 1));
                saved = true;
                picked = id;
                break;
            }
            vars.put(GrubEnv.statusVar(id), "bad");
            saved = true;
        }
        return new Boot(picked, saved ? GrubEnv.encodeVariables(vars) : env);
    }
}
