package org.liveng.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code liveng forge} gets the persistence passphrase (LUKS2 is the default): never argv; a
 * file of mode 0600, standard input, or a terminal prompt; clear refusals otherwise. Judged by
 * cryptsetup on the forged container.
 */
class PassphraseCommandLineTest {

    @Test
    void withoutATerminalOrAPassphraseForgeNamesTheThreeWays(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.img");
        Cli.Result r = Cli.run("forge", Cli.fixtureIso().toString(), out.toString());
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("needs a passphrase and there is no terminal to ask on"), r.err());
        assertTrue(r.err().contains("--passphrase-file") && r.err().contains("--passphrase-stdin") && r.err().contains("terminal"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPassphraseFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), "secret words\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path out = dir.resolve("x.img");
        Cli.Result r = Cli.run("forge", "--passphrase-file", file.toString(), Cli.fixtureIso().toString(), out.toString());
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("accessible by group or others (mode rw-r--r--)") && r.err().contains("chmod 600 " + file), r.err());
        assertFalse(r.all().contains("secret words"), "the passphrase is never printed");
        assertFalse(Files.exists(out));
    }

    @Test
    void anEmptyPassphraseOrTwoSourcesAreRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.img");
        Cli.Result r = Cli.runWithInput("\n", "forge", "--passphrase-stdin", Cli.fixtureIso().toString(), out.toString());
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("the passphrase from stdin is empty"), r.err());
        r = Cli.runWithInput("x\n", "forge", "--passphrase-stdin", "--passphrase-file", "/nonexistent", Cli.fixtureIso().toString(),
                out.toString());
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains("--passphrase-file and --passphrase-stdin both given"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPassphraseOnStandardInputOpensTheForgedContainer(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("stick.img");
        Cli.Result r = Cli.runWithInput("cli test passphrase\n", "forge", "--passphrase-stdin", Cli.fixtureIso().toString(), out.toString(),
                "persistence.size=64M", "persistence.kdf-memory=32M", "persistence.kdf-parallel=1");
        assertEquals(0, r.status(), r.all());
        assertFalse(r.all().contains("cli test passphrase"), "the passphrase is never printed");
        // the persistence partition (GPT entry 6) as a file, for cryptsetup
        String info = tool("sgdisk", "-i", "6", out.toString());
        long first = Long.parseLong(info.replaceAll("(?s).*First sector: (\\d+).*", "$1"));
        long last = Long.parseLong(info.replaceAll("(?s).*Last sector: (\\d+).*", "$1"));
        Path region = dir.resolve("persistence.luks");
        tool("dd", "if=" + out, "of=" + region, "bs=512", "skip=" + first, "count=" + (last - first + 1), "conv=sparse", "status=none");
        Path key = dir.resolve("key");
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, "cli test passphrase");
        assertTrue(tool("cryptsetup", "luksDump", region.toString()).contains("Version:       \t2"));
        tool("cryptsetup", "open", "--test-passphrase", "--key-file", key.toString(), region.toString());
    }

    @Test
    void onATerminalForgeAsksTwiceWithoutEchoAndRefusesTwoDifferentAnswers(@TempDir Path dir) throws Exception {
        // script(1) gives liveng a pseudo-terminal; the answers are typed only after each prompt shows
        Path out = dir.resolve("stick.img");
        String typed = onTerminal(List.of("typed on the terminal", "typed on the terminal"), "forge", Cli.fixtureIso().toString(),
                out.toString(), "persistence.size=64M", "persistence.kdf-memory=32M", "persistence.kdf-parallel=1");
        assertTrue(typed.contains("liveng: the same passphrase again: "), typed);
        assertFalse(typed.contains("typed on the terminal"), "no echo: " + typed);
        assertTrue(Files.exists(out), typed);
        Path other = dir.resolve("other.img");
        String differ = onTerminal(List.of("first answer", "second answer"), "forge", Cli.fixtureIso().toString(), other.toString(),
                "persistence.size=64M");
        assertTrue(differ.contains("the two passphrases differ; nothing was written"), differ);
        assertFalse(Files.exists(other));
    }

    /** Runs liveng under script(1) on a pseudo-terminal, typing each answer after the next prompt; returns what the terminal showed. */
    static String onTerminal(List<String> answers, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder("exec '" + Cli.product().resolve("bin/liveng") + "'");
        for (String a : args) {
            assertFalse(a.contains("'"), a);
            cmd.append(" '").append(a).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", cmd.toString(), "/dev/null").redirectErrorStream(true);
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().put("XDG_CACHE_HOME", Path.of("target", "xdg-cache").toAbsolutePath().toString());
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        java.io.InputStream in = p.getInputStream();
        try (java.io.OutputStream keys = p.getOutputStream()) {
            int prompts = 0;
            for (int c; (c = in.read()) >= 0;) {
                seen.append((char) c);
                if (prompts < answers.size() && seen.toString().endsWith("passphrase" + (prompts == 0 ? " for the encrypted persistence: " : " again: "))) {
                    keys.write((answers.get(prompts++) + "\n").getBytes(StandardCharsets.UTF_8));
                    keys.flush();
                }
            }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        return seen.toString();
    }

    /** Runs a tool; a non-zero exit fails the test with its output. */
    static String tool(String... argv) throws Exception {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + out);
        return out;
    }
}
