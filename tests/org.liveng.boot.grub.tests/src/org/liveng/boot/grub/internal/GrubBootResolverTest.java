package org.liveng.boot.grub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.BootState.Slot;
import org.liveng.api.boot.BootState.Status;

/** The boot model follows the menu GrubConfig renders: order, good, trial with tries, bad, fallback. */
class GrubBootResolverTest {
    static final List<String> IDS = List.of("a", "b");

    static byte[] env(List<String> order, Slot a, Slot b) {
        return GrubEnv.encode(new BootState(order, Map.of("a", a, "b", b)));
    }

    @Test
    void aTrialSlotBootsItsTriesThenTheGoodSlotTakesOver() throws Exception {
        byte[] env = env(List.of("b", "a"), new Slot(Status.GOOD, 0), new Slot(Status.TRIAL, 2));
        GrubBootResolver.Boot one = GrubBootResolver.boot(IDS, env);
        assertEquals("b", one.entry());
        assertEquals(new Slot(Status.TRIAL, 1), GrubEnv.decode(one.env()).slots().get("b"));
        GrubBootResolver.Boot two = GrubBootResolver.boot(IDS, one.env());
        assertEquals("b", two.entry());
        GrubBootResolver.Boot three = GrubBootResolver.boot(IDS, two.env());
        assertEquals("a", three.entry(), "no tries left: b is bad, a boots");
        assertEquals(Status.BAD, GrubEnv.decode(three.env()).slots().get("b").status());
    }

    @Test
    void emptyOrBadSlotsAndUnreadableStatesBootTheFallback() {
        assertEquals("a", GrubBootResolver.boot(IDS, env(List.of("b", "a"), new Slot(Status.GOOD, 0), new Slot(Status.EMPTY, 0))).entry());
        assertEquals(GrubBootResolver.FALLBACK,
                GrubBootResolver.boot(IDS, env(List.of("a", "b"), new Slot(Status.BAD, 0), new Slot(Status.EMPTY, 0))).entry());
        byte[] garbage = new byte[GrubEnv.SIZE];
        Arrays.fill(garbage, (byte) 0);
        assertEquals(GrubBootResolver.FALLBACK, GrubBootResolver.boot(IDS, garbage).entry());
        byte[] unknownOrder = GrubEnv.encodeVariables(Map.of("liveng_order", "a c", "liveng_a_status", "good"));
        assertEquals(GrubBootResolver.FALLBACK, GrubBootResolver.boot(IDS, unknownOrder).entry(), "no if branch of the menu matches");
        assertTrue(new String(unknownOrder, StandardCharsets.US_ASCII).startsWith(GrubEnv.HEADER));
    }
}
