package org.liveng.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The liveng command line as a script or a person uses it. */
class CommandLineTest {

    @Test
    void helpListsTheCommandsWithTheirDescriptions() throws Exception {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().contains("Usage: liveng"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("inspect ") && l.contains("live ISO")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("help ")), r.out());
        assertEquals("", r.err());
    }

    @Test
    void helpOfOneCommandShowsItsOptions() throws Exception {
        Cli.Result r = Cli.run("help", "inspect");
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().contains("liveng inspect"), r.out());
        assertTrue(r.out().contains("--json"), r.out());
        assertTrue(r.out().contains("<iso>"), r.out());
    }

    @Test
    void helpOfAGroupCommandTakesTwoWords() throws Exception {
        Cli.Result r = Cli.run("help", "kernel", "update");
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().contains("liveng kernel update"), r.out());
        assertTrue(r.out().contains("--allow-downgrade"), r.out());
        Cli.Result repair = Cli.run("help", "kernel", "repair");
        assertEquals(0, repair.status(), repair.all());
        assertTrue(repair.out().contains("liveng kernel repair") && repair.out().contains("--root") && repair.out().contains("fallback"),
                repair.out());
        Cli.Result bad = Cli.run("help", "kernel", "frobnicate");
        assertEquals(2, bad.status(), bad.all());
        assertTrue(bad.err().contains("no command 'kernel frobnicate'"), bad.err());
    }

    @Test
    void unknownCommandFailIsAUsageError() throws Exception {
        Cli.Result r = Cli.run("frobnicate", "x");
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().startsWith("liveng: unknown command"), r.err());
        assertTrue(r.err().contains("hint:"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownOptionFailIsAUsageError() throws Exception {
        Cli.Result r = Cli.run("--frobnicate");
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("unknown option --frobnicate"), r.err());
    }

    @Test
    void missingFileFailNamesTheFileWithoutAStackTrace() throws Exception {
        Cli.Result r = Cli.run("inspect", "/nonexistent/dir/some.iso");
        assertEquals(3, r.status(), r.all());
        assertTrue(r.err().contains("/nonexistent/dir/some.iso: no such file"), r.err());
        assertTrue(r.err().contains("[NOT_FOUND]"), r.err());
        assertTrue(r.err().contains("hint:"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
        assertEquals(2, r.err().strip().lines().count(), "one line plus a hint: " + r.err());
    }

    @Test
    void kernelCommandsNameWhatIsWrongWithTheirInputs(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run("kernel", "status", "/nonexistent/dir/stick.img");
        assertEquals(3, r.status(), r.all());
        assertTrue(r.err().contains("/nonexistent/dir/stick.img is neither a forged image file nor a block device [NOT_FOUND]"), r.err());
        Path junk = Files.write(dir.resolve("junk.img"), new byte[64 * 1024]);
        Cli.Result u = Cli.run("kernel", "update", "--kernel", junk.toString(), "--initrd", junk.toString(), junk.toString());
        assertEquals(3, u.status(), u.all());
        assertTrue(u.err().contains("is not an x86 Linux kernel image") && u.err().contains("[FORMAT]"), u.err());
        Cli.Result g = Cli.run("kernel", "update", "--kernel", junk.toString(), "--initrd", junk.toString(), "--version", "6.1.0-1-amd64",
                junk.toString());
        assertEquals(3, g.status(), g.all());
        assertTrue(g.err().contains("has no readable GPT") && g.err().contains("[FORMAT]"), g.err());
    }

    @Test
    void debugShowsTheStackTrace() throws Exception {
        Cli.Result r = Cli.run("--debug", "inspect", "/nonexistent/dir/some.iso");
        assertEquals(3, r.status(), r.all());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void notAnIsoFailIsAFormatError(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.iso");
        Files.write(junk, new byte[64 * 1024]);
        Cli.Result r = Cli.run("inspect", junk.toString());
        assertEquals(3, r.status(), r.all());
        assertTrue(r.err().contains("[FORMAT]"), r.err());
        assertTrue(r.err().contains("junk.iso"), r.err());
    }

    @Test
    void argumentsWithShellAndGogoMetacharactersArePassedVerbatim(@TempDir Path dir) throws Exception {
        Path odd = dir.resolve("we ird $(x) {y} ;z 'q\".iso");
        Cli.Result r = Cli.run("inspect", odd.toString());
        assertEquals(3, r.status(), r.all());
        assertTrue(r.err().contains(odd + ": no such file"), r.err());
    }

    @Test
    void inspectJsonOfTheGenuineFixtureIso() throws Exception {
        Path iso = Cli.fixtureIso();
        Cli.Result r = Cli.run("inspect", "--json", iso.toString());
        assertEquals(0, r.status(), r.all());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("debian-live", o.get("provider").getAsString());
        assertEquals("bookworm", o.get("release").getAsString());
        assertEquals("amd64", o.get("architecture").getAsString());
        assertEquals(Files.size(iso), o.get("size").getAsLong());
        assertTrue(o.getAsJsonArray("kernels").get(0).getAsJsonObject().getAsJsonObject("initrd").get("encryptionReady").getAsBoolean());
        Cli.Result text = Cli.run("inspect", iso.toString());
        assertEquals(0, text.status(), text.all());
        assertTrue(text.out().contains("Release:         bookworm (12)"), text.out());
    }

    @Test
    void forgeDryRunPrintsThePlanAsJsonAndWritesNothing(@TempDir Path dir) throws Exception {
        Path iso = Cli.fixtureIso();
        Path out = dir.resolve("stick.img");
        Cli.Result r = Cli.run("forge", "--dry-run", "--json", iso.toString(), out.toString(), "persistence.size=2G", "boot.serial=true");
        assertEquals(0, r.status(), r.all());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(6, o.getAsJsonArray("partitions").size());
        assertEquals("persistence", o.getAsJsonArray("partitions").get(5).getAsJsonObject().get("name").getAsString());
        assertTrue(!Files.exists(out), "a dry run writes nothing");
    }

    @Test
    void forgeWithABadSettingFailNamesIt(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run("forge", Cli.fixtureIso().toString(), dir.resolve("x.img").toString(), "persistence.size=lots");
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("persistence.size: 'lots' is not a size"), r.err());
        assertTrue(!Files.exists(dir.resolve("x.img")));
    }

    @Test
    void interactiveShellRunsCommandsAndHelp() throws Exception {
        Cli.Result r = Cli.runWithInput("help\nhelp inspect\ninspect /nonexistent.iso\nexit\n", "shell");
        assertEquals(0, r.status(), r.all());
        assertTrue(r.out().contains("liveng> "), "prompt: " + r.all());
        assertTrue(r.out().contains("Usage: liveng"), "help lists liveng's commands first: " + r.all());
        assertTrue(r.out().contains("--json"), "help inspect: " + r.all());
        assertTrue(r.out().contains("liveng: /nonexistent.iso: no such file [NOT_FOUND]"), "errors are one line: " + r.all());
        assertFalse(r.all().contains("\tat "), "no stack traces in the shell: " + r.all());
    }

    @Test
    void shellEndsAtEndOfInput() throws Exception {
        Cli.Result r = Cli.runWithInput("help\n", "shell");
        assertEquals(0, r.status(), r.all());
    }
}
