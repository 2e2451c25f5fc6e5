package org.liveng.boot.grub.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootFiles;
import org.liveng.api.boot.BootMenu;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.BootTarget;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/** The GRUB provider's output, judged by GRUB's own tools (grub-script-check, grub-editenv, grub-mkimage). */
class GrubBootloaderTest {
    static final ProcessRunner RUNNER = new ProcessRunner();
    static final List<String> ARGS = List.of("boot=live", "components", "live-media=/dev/disk/by-partuuid/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "persistence", "console=ttyS0,115200n8");

    static BootMenu menu() {
        return new BootMenu(List.of(
                new BootEntry("a", "Debian live, kernel 6.1.0-50-cloud-amd64 (slot A)", "2024-01-01-00-00-00-01", "/live/vmlinuz", "/live/initrd.img", ARGS, true),
                new BootEntry("b", "Debian live, kernel 6.1.0-56-cloud-amd64 (slot B)", "2024-01-01-00-00-00-02", "/live/vmlinuz", "/live/initrd.img", ARGS, true),
                new BootEntry("fallback", "Debian live, original kernel (fallback, it's safe)", "2024-01-01-00-00-00-00",
                        "/live/vmlinuz-6.1.0-50-cloud-amd64", "/live/initrd.img-6.1.0-50-cloud-amd64",
                        List.of("boot=live", "components", "liveng-fallback"), false)),
                5, true, "1A2B-3C4D", "/liveng/grubenv");
    }

    static BootState state() {
        return new BootState(List.of("b", "a"), Map.of("a", new BootState.Slot(BootState.Status.GOOD, 0),
                "b", new BootState.Slot(BootState.Status.TRIAL, 3)));
    }

    @Test
    void theMenuPassesGrubScriptCheck(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("grub.cfg");
        Files.writeString(cfg, GrubConfig.render(menu()), StandardCharsets.UTF_8);
        RUNNER.run(Command.of("grub-script-check", cfg.toString()).fromPackage("grub-common"));
        String text = Files.readString(cfg);
        assertTrue(text.contains("menuentry 'Debian live, original kernel (fallback, it'\\''s safe)' --id fallback {"), text);
        assertTrue(text.contains("load_env --file \"$liveng_env\" liveng_order liveng_a_status liveng_a_tries liveng_b_status liveng_b_tries"), text);
        assertTrue(text.contains("if [ \"$liveng_order\" = \"b a\" ]; then"), text);
        assertTrue(text.contains("linux /live/vmlinuz-6.1.0-50-cloud-amd64 boot=live components liveng-fallback"), text);
        // GRUB takes fallback entries by number only. No slot picked: the fallback entry (2) boots, the slots are the
        // last resort; slot B picked in order "b a": slot A if it is good, then the fallback entry, never B again
        assertTrue(text.contains("set default=fallback\nset fallback=\"0 1\"\n"), text);
        assertTrue(text.contains("if [ \"$liveng_order\" = \"b a\" ]; then\n  if liveng_pick_b; then\n    set fallback=\"2\"\n"
                + "    if [ \"$liveng_a_status\" = \"good\" ]; then\n      set fallback=\"0 $fallback\"\n    fi\n"
                + "  elif liveng_pick_a; then\n    set fallback=\"2\"\n  fi\n"), text);
        assertFalse(text.contains("set fallback=\"0 1 2\""), text);
    }

    @Test
    void aBrokenMenuIsCaughtByTheSameCheck(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("broken.cfg");
        Files.writeString(cfg, GrubConfig.render(menu()).replaceFirst("\nfi\n", "\n"), StandardCharsets.UTF_8);
        assertEquals(false, RUNNER.runAllowingFailure(Command.of("grub-script-check", cfg.toString())).ok(),
                "grub-script-check must reject an unterminated if, or it judges nothing");
    }

    @Test
    void grubEditenvReadsOurStateAndWeReadItsEdits(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("grubenv");
        byte[] block = GrubEnv.encode(state());
        assertEquals(1024, block.length);
        Files.write(env, block);
        String listed = RUNNER.run(Command.of("grub-editenv", env.toString(), "list").fromPackage("grub-common")).stdoutText();
        assertEquals("liveng_order=b a\nliveng_b_status=trial\nliveng_b_tries=3\nliveng_a_status=good\nliveng_a_tries=0\n", listed);
        RUNNER.run(Command.of("grub-editenv", env.toString(), "set", "liveng_b_tries=2", "liveng_b_status=good"));
        BootState edited = GrubEnv.decode(Files.readAllBytes(env));
        assertEquals(new BootState.Slot(BootState.Status.GOOD, 2), edited.slots().get("b"));
        assertEquals(state().slots().get("a"), edited.slots().get("a"));
        assertEquals(1024, Files.size(env), "the block keeps its size, so rewrites touch the same sectors");
        assertEquals(state(), GrubEnv.decode(GrubEnv.encode(state())));
    }

    @Test
    void aStateFromGrubEditenvCreateIsReadable(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("grubenv");
        RUNNER.run(Command.of("grub-editenv", env.toString(), "create"));
        RUNNER.run(Command.of("grub-editenv", env.toString(), "set", "liveng_order=a", "liveng_a_status=empty", "liveng_a_tries=0"));
        BootState s = GrubEnv.decode(Files.readAllBytes(env));
        assertEquals(List.of("a"), s.order());
        assertEquals(BootState.Status.EMPTY, s.slots().get("a").status());
    }

    @Test
    void corruptStateFail() {
        assertThrows(FormatException.class, () -> GrubEnv.decode(new byte[1000]));
        byte[] notGrub = GrubEnv.encode(state());
        notGrub[0] = 'X';
        assertThrows(FormatException.class, () -> GrubEnv.decode(notGrub));
        byte[] badStatus = new String(GrubEnv.encode(state()), StandardCharsets.US_ASCII).replace("=trial", "=maybe")
                .getBytes(StandardCharsets.US_ASCII);
        FormatException e = assertThrows(FormatException.class, () -> GrubEnv.decode(badStatus));
        assertTrue(e.getMessage().contains("liveng_b_status is 'maybe'"), e.getMessage());
    }

    @Test
    void unsafeKernelArgumentsAndPathsFail() {
        BootEntry bad = new BootEntry("a", "x", "2024-01-01-00-00-00-01", "/live/vmlinuz", "/live/initrd.img", List.of("quiet; reboot"), true);
        assertThrows(IllegalArgumentException.class, () -> GrubConfig.render(new BootMenu(List.of(bad), 5, false, "1A2B-3C4D", "/liveng/grubenv")));
        BootEntry badPath = new BootEntry("a", "x", "2024-01-01-00-00-00-01", "/live/vm linuz", "/live/initrd.img", List.of(), true);
        assertThrows(IllegalArgumentException.class, () -> GrubConfig.render(new BootMenu(List.of(badPath), 5, false, "1A2B-3C4D", "/liveng/grubenv")));
    }

    @Test
    void biosCoreImageAndBootCodePointAtEachOther() throws LivengException {
        long coreLba = 2048;
        GrubBootloader grub = new GrubBootloader(RUNNER);
        BootFiles files = grub.render(menu(), state(), new BootTarget(coreLba, 2048, "/EFI/debian"), Recipe.empty());
        byte[] code = files.mbrBootCode();
        assertEquals(440, code.length);
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(coreLba, b.getLong(0x5C));
        assertEquals((byte) 0x90, code[0x66]);
        assertNotNull(files.biosBootImage());
        byte[] core;
        try (var in = files.biosBootImage().open()) {
            core = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(0, core.length % 512);
        ByteBuffer c = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(coreLba + 1, c.getLong(0x1F4));
        assertEquals(core.length / 512 - 1, Short.toUnsignedInt(c.getShort(0x1FC)));
        assertEquals(0x820, Short.toUnsignedInt(c.getShort(0x1FE)), "diskboot's load segment is kept");
        List<String> paths = files.espFiles().stream().map(FileSpec::path).toList();
        assertTrue(paths.contains("/boot/grub/grub.cfg") && paths.contains("/EFI/debian/grub.cfg") && paths.contains("/liveng/grubenv"), paths.toString());
        assertTrue(paths.contains("/boot/grub/i386-pc/normal.mod") && paths.contains("/boot/grub/i386-pc/linux.mod"), paths.toString());
        // deterministic: the same inputs give the same core image
        BootFiles again = grub.render(menu(), state(), new BootTarget(coreLba, 2048, "/EFI/debian"), Recipe.empty());
        try (var in = again.biosBootImage().open()) {
            assertArrayEquals(core, in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCoreImageLargerThanItsPartitionFail() {
        LivengException e = assertThrows(LivengException.class, () -> BiosBoot.patchCore(new byte[70 * 512], 2048, 64));
        assertTrue(e.getMessage().contains("needs 70 sectors") && e.getMessage().contains("has 64"), e.getMessage());
    }
}
