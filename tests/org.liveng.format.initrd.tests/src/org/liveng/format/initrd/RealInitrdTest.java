package org.liveng.format.initrd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;

/**
 * Real initramfs-tools output from tests/fixtures/initrd/make-initrds.sh,
 * compared with what lsinitramfs and unmkinitramfs make of the same files.
 */
class RealInitrdTest {
    private static final String MARKER = "make-initrds: output ";
    private static final String MICROCODE = "kernel/x86/microcode/GenuineIntel.bin";
    private static Path fixtures;

    /** One line of manifest.txt. */
    record Fixture(Path file, String compressor, boolean cryptsetup) {
        Compression compression() {
            return switch (compressor) {
                case "lz4" -> Compression.LZ4_LEGACY;
                default -> Compression.valueOf(compressor.toUpperCase(java.util.Locale.ROOT));
            };
        }
    }

    /** Runs the fixture script once per JVM (it skips the build when its cache is current). */
    static synchronized Path fixtureDir() {
        if (fixtures == null) {
            Path script = TestSupport.repoRoot().resolve("tests/fixtures/initrd/make-initrds.sh");
            TestSupport.requireTool("bash", "bash");
            try {
                ExecResult r = TestSupport.RUNNER.run(Command.of("bash", script.toString()).timeout(Duration.ofMinutes(20)));
                String out = r.stdoutText();
                String dir = out.lines().filter(l -> l.startsWith(MARKER)).reduce((a, b) -> b)
                        .orElseGet(() -> fail("no '" + MARKER + "' line in the output of " + script + ":\n" + out));
                fixtures = Path.of(dir.substring(MARKER.length()).strip());
            } catch (LivengException e) {
                fail("fixture script failed: " + e.getMessage() + (e.hint() == null ? "" : "\n" + e.hint()));
            }
        }
        return fixtures;
    }

    static List<Fixture> fixtures() throws IOException {
        Path dir = fixtureDir();
        List<Fixture> list = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("manifest.txt"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            list.add(new Fixture(dir.resolve(f[0]), f[1], f[2].equals("with")));
        }
        assertTrue(list.size() >= 6, "manifest lists " + list.size() + " images");
        return list;
    }

    static String kernelVersion() throws IOException {
        return Files.readString(fixtureDir().resolve("kernel-version")).strip();
    }

    /** lsinitramfs output as a set of normalised paths. */
    static Set<String> lsinitramfs(Path file) {
        TestSupport.requireTool("lsinitramfs", "initramfs-tools-core");
        try {
            ExecResult r = TestSupport.RUNNER.run(Command.of("lsinitramfs", file.toString()).fromPackage("initramfs-tools-core"));
            return r.stdoutText().lines().filter(l -> !l.isEmpty()).map(CpioReader::normalise)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (LivengException e) {
            return fail(e.getMessage());
        }
    }

    @TestFactory
    Stream<DynamicTest> entriesMatchLsinitramfs() throws IOException {
        String kver = kernelVersion();
        return fixtures().stream().map(fx -> DynamicTest.dynamicTest(fx.file().getFileName().toString(), () -> {
            Initramfs i = Initramfs.read(fx.file(), p -> p.endsWith("/modules.builtin"), 1 << 20);
            Set<String> ours = i.entries().stream().map(CpioEntry::path).collect(Collectors.toCollection(TreeSet::new));
            Set<String> theirs = lsinitramfs(fx.file());
            assertEquals(theirs, ours, "paths of " + fx.file());
            // segment compressions
            boolean early = fx.file().getFileName().toString().contains("microcode");
            List<Compression> expect = early ? List.of(Compression.NONE, fx.compression()) : List.of(fx.compression());
            assertEquals(expect, i.compressions(), "segments of " + fx.file());
            Segment last = i.segments().get(i.segments().size() - 1);
            assertEquals(Files.size(fx.file()), last.offset() + last.compressedLength(), "last segment ends at the end of the file");
            // detection of modules and tools
            String modules = "usr/lib/modules/" + kver + "/";
            assertTrue(i.entries().stream().anyMatch(e -> e.path().startsWith(modules) && e.path().matches(".*/dm-crypt\\.ko(\\.xz|\\.zst)?")),
                    "dm-crypt module in " + fx.file());
            assertEquals(fx.cryptsetup(), i.contains("usr/sbin/cryptsetup"), "usr/sbin/cryptsetup in " + fx.file());
            assertEquals(EntryType.FILE, i.find(modules + "modules.builtin").orElseThrow().type());
            assertTrue(i.captured(modules + "modules.builtin").orElseThrow().length > 100);
            assertEquals(EntryType.SYMLINK, i.find("bin").orElseThrow().type());
            assertEquals("usr/bin", i.find("bin").orElseThrow().linkTarget());
            assertEquals(early, i.contains(MICROCODE));
        }));
    }

    @Test
    void capturedContentEqualsUnmkinitramfsOutput(@TempDir Path tmp) throws Exception {
        TestSupport.requireTool("unmkinitramfs", "initramfs-tools-core");
        String kver = kernelVersion();
        for (Fixture fx : fixtures()) {
            String name = fx.file().getFileName().toString();
            if (!name.equals("initrd-gzip.img") && !name.equals("initrd-microcode-zstd.img")) {
                continue;
            }
            Path out = tmp.resolve(name);
            TestSupport.RUNNER.run(Command.of("unmkinitramfs", fx.file().toString(), out.toString())
                    .fromPackage("initramfs-tools-core"));
            boolean split = Files.isDirectory(out.resolve("main"));
            Path main = split ? out.resolve("main") : out;
            List<String> small = List.of("conf/initramfs.conf", "usr/lib/modules/" + kver + "/modules.builtin",
                    "usr/lib/modules/" + kver + "/modules.dep", "etc/ld.so.conf");
            Initramfs i = Initramfs.read(fx.file(), small::contains, 4 << 20);
            for (String p : small) {
                assertArrayEquals(Files.readAllBytes(main.resolve(p)), i.captured(p).orElseThrow(() -> new AssertionError(p + " not captured")),
                        p + " in " + name);
            }
            if (split) {
                Initramfs u = Initramfs.read(fx.file(), MICROCODE::equals, 1 << 20);
                byte[] expected = Files.readAllBytes(out.resolve("early").resolve(MICROCODE));
                assertArrayEquals(expected, u.captured(MICROCODE).orElseThrow());
                assertEquals(9000, expected.length);
                assertTrue(new String(expected, StandardCharsets.US_ASCII).startsWith("liveng dummy microcode\n"));
            }
        }
    }

    @Test
    void nocryptVariantsLackCryptsetupButCryptVariantsHaveIt() throws IOException, FormatException {
        boolean sawWith = false;
        boolean sawWithout = false;
        for (Fixture fx : fixtures()) {
            Initramfs i = Initramfs.read(fx.file());
            boolean hasCrypt = i.contains("usr/sbin/cryptsetup") && i.contains("usr/lib/cryptsetup/askpass")
                    && i.find("usr/sbin/cryptsetup").orElseThrow().size() > 0;
            assertEquals(fx.cryptsetup(), hasCrypt, fx.file().toString());
            sawWith |= fx.cryptsetup();
            sawWithout |= !fx.cryptsetup();
        }
        assertTrue(sawWith && sawWithout, "fixtures must include images with and without cryptsetup");
    }

    /** Bit flips over the start of a real image (the early segment and the first compressed blocks). */
    @Test
    void fuzzRealMicrocodeImage() throws IOException {
        Path f = fixtures().stream().map(Fixture::file).filter(p -> p.getFileName().toString().contains("microcode"))
                .findFirst().orElseThrow();
        byte[] original = Files.readAllBytes(f);
        Random rnd = new Random(FuzzTest.SEED);
        assertTimeoutPreemptively(Duration.ofSeconds(300), () -> {
            for (int it = 0; it < 60; it++) {
                byte[] img = original.clone();
                int bit = rnd.nextInt(Math.min(img.length, 64 * 1024) * 8);
                img[bit / 8] ^= (byte) (1 << (bit % 8));
                FuzzTest.survives(img, f.getFileName() + " with bit " + bit + " flipped");
            }
        });
    }
}
