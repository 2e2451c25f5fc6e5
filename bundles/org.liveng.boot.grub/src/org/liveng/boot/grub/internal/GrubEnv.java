package org.liveng.boot.grub.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.liveng.api.FormatException;
import org.liveng.api.boot.BootState;

/**
 * GRUB's environment block ({@code grubenv}), which GRUB's {@code load_env}
 * and {@code save_env} read and rewrite in place: exactly 1024 bytes, the
 * header line {@code # GRUB Environment Block}, then {@code name=value} lines,
 * the rest filled with {@code #}. Because the size never changes, GRUB and
 * liveng rewrite the same sectors.
 *
 * <p>liveng's variables: {@code liveng_order} (slot ids, preferred first,
 * space separated), and per slot {@code liveng_<id>_status}
 * ({@code empty|good|trial|bad}) and {@code liveng_<id>_tries} (0-9).
 */
public final class GrubEnv {
    public static final int SIZE = 1024;
    static final String HEADER = "# GRUB Environment Block\n";
    static final String ORDER = "liveng_order";

    private GrubEnv() {
    }

    public static String statusVar(String slot) {
        return "liveng_" + slot + "_status";
    }

    public static String triesVar(String slot) {
        return "liveng_" + slot + "_tries";
    }

    /** The 1024-byte block for a state. */
    public static byte[] encode(BootState state) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(ORDER, String.join(" ", state.order()));
        for (String id : state.order()) {
            BootState.Slot s = state.slots().get(id);
            if (s == null) {
                throw new IllegalArgumentException("slot '" + id + "' is in the order but has no state");
            }
            vars.put(statusVar(id), s.status().name().toLowerCase(Locale.ROOT));
            vars.put(triesVar(id), Integer.toString(s.triesLeft()));
        }
        return encodeVariables(vars);
    }

    static byte[] encodeVariables(Map<String, String> vars) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Map.Entry<String, String> e : vars.entrySet()) {
            if (e.getValue().contains("\n") || e.getValue().contains("\\")) {
                throw new IllegalArgumentException("grubenv value of " + e.getKey() + " may not contain a newline or backslash");
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (text.length > SIZE) {
            throw new IllegalArgumentException("grubenv content of " + text.length + " bytes does not fit in " + SIZE);
        }
        byte[] block = new byte[SIZE];
        Arrays.fill(block, (byte) '#');
        System.arraycopy(text, 0, block, 0, text.length);
        return block;
    }

    /** All variables of a block, in file order. */
    static Map<String, String> decodeVariables(byte[] block) throws FormatException {
        if (block.length != SIZE) {
            throw new FormatException(0, "grubenv is " + block.length + " bytes, expected " + SIZE);
        }
        String text = new String(block, StandardCharsets.US_ASCII);
        if (!text.startsWith(HEADER)) {
            throw new FormatException(0, "grubenv does not start with '" + HEADER.strip() + "'");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        int offset = HEADER.length();
        for (String line : text.substring(HEADER.length()).split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new FormatException(offset, "grubenv line at offset " + offset + " is not name=value: '" + line + "'");
                }
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
            offset += line.length() + 1;
        }
        return vars;
    }

    /** The boot state in a block (slots in the order variable). */
    public static BootState decode(byte[] block) throws FormatException {
        Map<String, String> vars = decodeVariables(block);
        String order = vars.get(ORDER);
        if (order == null) {
            throw new FormatException(0, "grubenv has no " + ORDER + ": not a liveng boot state");
        }
        List<String> ids = new ArrayList<>(List.of(order.trim().split("\\s+")));
        Map<String, BootState.Slot> slots = new LinkedHashMap<>();
        for (String id : ids) {
            String status = vars.getOrDefault(statusVar(id), "");
            BootState.Status st;
            try {
                st = BootState.Status.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FormatException(0, "grubenv: " + statusVar(id) + " is '" + status + "', expected empty, good, trial or bad");
            }
            String tries = vars.getOrDefault(triesVar(id), "0");
            if (!tries.matches("[0-9]")) {
                throw new FormatException(0, "grubenv: " + triesVar(id) + " is '" + tries + "', expected a digit");
            }
            slots.put(id, new BootState.Slot(st, Integer.parseInt(tries)));
        }
        return new BootState(ids, slots);
    }
}
