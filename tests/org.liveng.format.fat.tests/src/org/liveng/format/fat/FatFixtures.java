package org.liveng.format.fat;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/** Test trees, the external oracles (dosfstools, mtools, blkid) and parsers for their output. */
final class FatFixtures {
    static final ProcessRunner RUNNER = new ProcessRunner();
    static final long SERIAL = 0x1A2B3C4DL;
    static final String LABEL = "LIVENG ESP";
    /** 2023-11-14T22:13:20Z. */
    static final long EPOCH = 1_700_000_000L;
    static final long MIB = 1024L * 1024;

    private FatFixtures() {
    }

    static FatOptions options() {
        return FatOptions.of(LABEL, SERIAL, EPOCH);
    }

    /**
     * A tree exercising the writer: nested directories, long names, names that are 8.3
     * apart from case, names needing ~N tails, a directory of more than one cluster of
     * entries, empty files, a large random file and a file of exactly one cluster.
     */
    static Map<String, byte[]> tree(long seed, int bigFile, int clusterBytes, int manyFiles) {
        Random rnd = new Random(seed);
        Map<String, byte[]> t = new LinkedHashMap<>();
        t.put("/EFI/BOOT/BOOTX64.EFI", random(rnd, 40_000));
        t.put("/EFI/debian/grub.cfg", "search --fs-uuid --set=root 1A2B-3C4D\n".getBytes());
        t.put("/EFI/debian/shimx64.efi", random(rnd, 9_000));
        t.put("/boot/grub/i386-pc/normal.mod", random(rnd, 5_000));
        t.put("/boot/grub/grubenv", grubenv("saved_entry=0"));
        t.put("/README.TXT", "upper\n".getBytes());
        t.put("/readme2.txt", "lower 8.3\n".getBytes());
        t.put("/Mixed.Txt", "mixed case, 8.3 length\n".getBytes());
        t.put("/lower.TXT", "lower base, upper ext\n".getBytes());
        t.put("/A long file name with spaces.text", "spaces\n".getBytes());
        t.put("/longfilename1.txt", "tail 1\n".getBytes());
        t.put("/longfilename2.txt", "tail 2\n".getBytes());
        t.put("/LongFileName3.txt", "tail 3\n".getBytes());
        t.put("/name.with.many.dots.cfg", "dots\n".getBytes());
        t.put("/Gr\u00fc\u00dfe-\u00e9t\u00e9.txt", "unicode\n".getBytes());
        t.put("/deep/a/b/c/d/e/f/leaf.bin", random(rnd, 700));
        t.put("/empty.txt", new byte[0]);
        t.put("/deep/empty file", new byte[0]);
        t.put("/big/random.bin", random(rnd, bigFile));
        t.put("/big/one-cluster.bin", random(rnd, clusterBytes));
        t.put("/big/cluster-plus-one.bin", random(rnd, clusterBytes + 1));
        for (int i = 0; i < manyFiles; i++) {
            t.put(String.format("/boot/grub/x86_64-efi/module-number-%03d.mod", i), random(rnd, i * 7));
        }
        return t;
    }

    static byte[] grubenv(String line) {
        byte[] b = new byte[1024];
        String head = "# GRUB Environment Block\n" + line + "\n";
        java.util.Arrays.fill(b, (byte) '#');
        byte[] h = head.getBytes();
        System.arraycopy(h, 0, b, 0, h.length);
        return b;
    }

    static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    static List<FileSpec> specs(Map<String, byte[]> tree) {
        List<FileSpec> l = new ArrayList<>();
        tree.forEach((p, b) -> l.add(new FileSpec(p, Content.of(b, p))));
        return l;
    }

    /** Writes a volume into a new (sparse) file. */
    static FatLayout writeImage(Path img, long size, Map<String, byte[]> tree, FatOptions o) throws IOException, LivengException {
        Files.deleteIfExists(img);
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return FatWriter.write(ch, 0, size, specs(tree), o);
        }
    }

    static byte[] writeMemory(long size, Map<String, byte[]> tree, FatOptions o) throws IOException, LivengException {
        MemoryChannel ch = new MemoryChannel();
        FatWriter.write(ch, 0, size, specs(tree), o);
        return ch.toByteArray();
    }

    /** Runs a tool; a missing tool fails the test with what to install. */
    static ExecResult run(Command c) {
        try {
            return RUNNER.runAllowingFailure(c);
        } catch (LivengException e) {
            if (ErrorCodes.ENVIRONMENT.equals(e.code())) {
                fail(e.getMessage() + " (" + e.hint() + "); install dosfstools/mtools: these tests need them as oracles");
            }
            fail(e.getMessage());
            return null;
        }
    }

    /** Runs a tool that must succeed. */
    static ExecResult ok(Command c) {
        ExecResult r = run(c);
        if (!r.ok()) {
            fail(r.command() + " failed with exit status " + r.exitCode() + ":\n" + r.stdoutText() + r.stderr());
        }
        return r;
    }

    static Command mtools(String program, String... args) {
        return Command.of(program, args).fromPackage("mtools").env("MTOOLS_SKIP_CHECK", "0").env("LC_ALL", "C.UTF-8");
    }

    static Command dosfstools(String program, String... args) {
        return Command.of(program, args).fromPackage("dosfstools");
    }

    /** {@code fsck.fat -n -v}: exit 0 and no complaint. */
    static void assertFsckClean(Path img) {
        ExecResult r = run(dosfstools("fsck.fat", "-n", "-v", img.toString()));
        String out = r.stdoutText() + r.stderr();
        if (r.exitCode() != 0 || out.contains("Dirty") || out.contains("differ") || out.contains("Wrong")
                || out.contains("Free cluster summary") && out.contains("corrected")) {
            fail("fsck.fat -n -v " + img + " found problems (exit " + r.exitCode() + "):\n" + out);
        }
    }

    /**
     * Parses {@code mdir -/ -a -i img ::}: absolute path to size, -1 for directories,
     * without "." and "..". The long name is the text after the time when present, else
     * the 8.3 columns (which mtools shows with the case bits applied).
     */
    static Map<String, Long> mdir(Path img) {
        String out = ok(mtools("mdir", "-/", "-a", "-i", img.toString(), "::")).stdoutText();
        Map<String, Long> m = new TreeMap<>();
        Pattern header = Pattern.compile("^Directory for ::(/.*)$");
        Pattern line = Pattern.compile("^(.{8}) (.{3}) +(<DIR>|[\\d ]+?) +\\d{4}-\\d\\d-\\d\\d +\\d+:\\d\\d(?:  (.*?))? *$");
        String dir = null;
        for (String l : out.split("\n")) {
            Matcher h = header.matcher(l);
            if (h.matches()) {
                dir = h.group(1).equals("/") ? "" : h.group(1);
                continue;
            }
            Matcher e = line.matcher(l);
            if (!e.matches() || dir == null) {
                continue;
            }
            String name = e.group(4) != null && !e.group(4).isBlank() ? e.group(4).strip()
                    : e.group(1).strip() + (e.group(2).isBlank() ? "" : "." + e.group(2).strip());
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            long size = e.group(3).equals("<DIR>") ? -1 : Long.parseLong(e.group(3).replace(" ", ""));
            m.put(dir + "/" + name, size);
        }
        return m;
    }

    /** What mdir should list for a tree: every file with its size, every implied directory as -1. */
    static Map<String, Long> expectedListing(Map<String, byte[]> tree) {
        Map<String, Long> m = new TreeMap<>();
        tree.forEach((p, b) -> {
            m.put(p, (long) b.length);
            for (int i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) {
                m.put(p.substring(0, i), -1L);
            }
        });
        return m;
    }

    /** {@code mcopy -n -i img ::path out}, returning the bytes. */
    static byte[] mcopy(Path img, String path, Path tmp) throws IOException {
        Path out = Files.createTempFile(tmp, "mcopy", ".bin");
        ok(mtools("mcopy", "-n", "-o", "-i", img.toString(), "::" + path, out.toString()));
        return Files.readAllBytes(out);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(InputStream in) throws IOException {
        return sha256(in.readAllBytes());
    }

    /** The value of {@code key="..."} in blkid -p output. */
    static String blkidValue(String out, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=\"([^\"]*)\"").matcher(out);
        return m.find() ? m.group(1) : null;
    }
}
