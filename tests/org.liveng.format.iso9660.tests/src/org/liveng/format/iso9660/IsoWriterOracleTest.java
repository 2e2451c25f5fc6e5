package org.liveng.format.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.platform.exec.Command;

/**
 * Images from {@link IsoWriter} judged by tools nobody here wrote: xorriso (listing,
 * extraction, media check, PVD), isoinfo (descriptor, Rock Ridge and plain listings) and blkid
 * (UUID, label), plus a comparison with the image xorrisofs makes from the same tree.
 */
class IsoWriterOracleTest {

    @TempDir
    static Path tmp;
    static final Map<String, Path> IMAGES = new TreeMap<>();
    static final Map<String, IsoLayout> PLANS = new TreeMap<>();

    @BeforeAll
    static void writeImages() throws Exception {
        IsoWriter slot = new IsoWriter(WriterFixtures.slotOptions().build());
        WriterFixtures.kernelSlotFiles().forEach((p, b) -> slot.add(new FileSpec(p, Content.of(b, p))));
        write("slot", slot);
        write("tree", WriterFixtures.treeWriter(WriterFixtures.slotOptions().build()));
    }

    private static void write(String name, IsoWriter w) throws Exception {
        Path p = tmp.resolve(name + ".iso");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            PLANS.put(name, w.write(ch, 0));
        }
        assertEquals(PLANS.get(name).size(), Files.size(p));
        IMAGES.put(name, p);
    }

    private static String blkid(Path img, String tag) {
        return IsoFixtures.run(Command.of("blkid", "-p", "-o", "value", "-s", tag, img.toString()).fromPackage("util-linux"))
                .stdoutText().trim();
    }

    /** The expected tree: path to lsdl-like facts, from the writer's own inputs. */
    private static Map<String, String> expected(String name) {
        Map<String, String> m = new TreeMap<>();
        if (name.equals("slot")) {
            m.put("/", "d 555 0");
            m.put("/live", "d 555 0");
            m.put("/liveng", "d 555 0");
            WriterFixtures.kernelSlotFiles().forEach((p, b) -> m.put(p, "- 444 " + b.length));
            return m;
        }
        m.put("/", "d 555 0");
        WriterFixtures.TREE_FILES.forEach((p, b) -> {
            m.put(p, "- " + Integer.toOctalString(WriterFixtures.TREE_MODES.getOrDefault(p, 0444)) + " " + b.length);
            for (String d = parent(p); !d.equals("/"); d = parent(d)) {
                m.putIfAbsent(d, "d " + Integer.toOctalString(WriterFixtures.TREE_DIRS.getOrDefault(d, 0555)) + " 0");
            }
        });
        WriterFixtures.TREE_LINKS.forEach((p, t) -> {
            m.put(p, "l 777 0 -> " + t);
            m.putIfAbsent(parent(p), "d 555 0");
        });
        WriterFixtures.TREE_DIRS.forEach((p, mode) -> m.put(p, "d " + Integer.toOctalString(mode) + " 0"));
        return m;
    }

    private static String parent(String p) {
        int i = p.lastIndexOf('/');
        return i == 0 ? "/" : p.substring(0, i);
    }

    private static Map<String, String> lsdlFacts(Path img) {
        Map<String, String> m = new TreeMap<>();
        IsoFixtures.lsdl(img).forEach((p, l) -> {
            assertEquals("0", l.uid(), p);
            assertEquals("0", l.gid(), p);
            String facts = (l.type() == '-' ? "-" : String.valueOf(l.type())) + " "
                    + Integer.toOctalString(IsoFixtures.perms(l.perms())) + " " + (l.type() == '-' ? l.size() : 0);
            m.put(p, l.target() == null ? facts : facts + " -> " + l.target());
        });
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot", "tree"})
    void xorrisoListsTheSameNamesTypesSizesAndModes(String name) {
        assertEquals(expected(name), lsdlFacts(IMAGES.get(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot", "tree"})
    void xorrisoExtractsIdenticalContent(String name) throws Exception {
        Path out = tmp.resolve("extract-" + name);
        IsoFixtures.xorriso("-osirrox", "on", "-indev", IMAGES.get(name).toString(), "-extract", "/", out.toString());
        Map<String, String> got = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = "/" + out.relativize(p).toString().replace('\\', '/');
                rel = rel.equals("/") ? "/" : rel;
                if (Files.isSymbolicLink(p)) {
                    got.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    got.put(rel, "dir");
                } else {
                    got.put(rel, IsoFixtures.sha256(p));
                }
            }
        }
        Map<String, String> want = new TreeMap<>();
        Map<String, byte[]> files = name.equals("slot") ? WriterFixtures.kernelSlotFiles() : WriterFixtures.TREE_FILES;
        for (Map.Entry<String, String> e : expected(name).entrySet()) {
            String p = e.getKey();
            if (e.getValue().startsWith("d")) {
                want.put(p, "dir");
            } else if (e.getValue().startsWith("l")) {
                want.put(p, "-> " + WriterFixtures.TREE_LINKS.get(p));
            } else {
                try (InputStream in = new java.io.ByteArrayInputStream(files.get(p))) {
                    want.put(p, IsoFixtures.sha256(in));
                }
            }
        }
        assertEquals(want, got);
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot", "tree"})
    void xorrisoMediaCheckAndPvdReportNoProblems(String name) {
        Path img = IMAGES.get(name);
        // any WARNING or worse makes xorriso exit 32, which fails the run
        String check = IsoFixtures.xorriso("-return_with", "WARNING", "32", "-indev", img.toString(), "-check_media", "--")
                .stdoutText();
        assertTrue(check.contains("Media region :          0 ,  " + String.format("%9d", PLANS.get(name).blocks()) + " , + good"),
                check);
        String pvd = IsoFixtures.xorriso("-return_with", "WARNING", "32", "-indev", img.toString(), "-pvd_info").stdoutText();
        assertTrue(pvd.contains("Volume Id    : LIVENG_SYSTEM2"), pvd);
        assertTrue(pvd.contains("Creation Time: 2023060110000000"), pvd);
        assertTrue(pvd.contains("Modif. Time  : 2024010100000000"), pvd);
        assertTrue(pvd.contains("Expir. Time  : 0000000000000000"), pvd);
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot", "tree"})
    void blkidShowsTheRequestedUuidAndLabel(String name) {
        assertEquals(WriterFixtures.UUID, blkid(IMAGES.get(name), "UUID"));
        assertEquals("LIVENG_SYSTEM2", blkid(IMAGES.get(name), "LABEL"));
        assertEquals("iso9660", blkid(IMAGES.get(name), "TYPE"));
    }

    @Test
    void isoinfoShowsVolumeIdAndDates() {
        String d = IsoFixtures.isoinfo("-d", "-debug", "-i", IMAGES.get("slot").toString());
        assertTrue(d.contains("Volume id: LIVENG_SYSTEM2\n"), d);
        assertTrue(d.contains("System id: LINUX\n"), d);
        assertTrue(d.contains("Publisher id: LIVENG TESTS\n"), d);
        assertTrue(d.contains("Application id: LIVENG ISO WRITER\n"), d);
        assertTrue(d.contains("Creation Date:     2023 06 01 10:00:00.00"), d);
        assertTrue(d.contains("Modification Date: 2024 01 01 00:00:00.00"), d);
        assertTrue(d.contains("Volume size is: " + PLANS.get("slot").blocks() + "\n"), d);
        assertTrue(d.contains("Rock Ridge signatures version 1 found"), d);
    }

    private static final Pattern ISOINFO_LINE = Pattern.compile(
            "^([dl-])(\\S{9})\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+) .*?\\]  (.*?) ?$");

    /** {@code isoinfo [-R] -l}: path to "type perms size [-> target]" (directories size 0). */
    private static Map<String, String> isoinfoFacts(Path img, boolean rockRidge) {
        String out = rockRidge ? IsoFixtures.isoinfo("-R", "-l", "-i", img.toString())
                : IsoFixtures.isoinfo("-l", "-i", img.toString());
        Map<String, String> m = new TreeMap<>();
        String dir = null;
        for (String l : out.split("\n")) {
            if (l.startsWith("Directory listing of ")) {
                dir = l.substring("Directory listing of ".length()).trim();
                continue;
            }
            Matcher x = ISOINFO_LINE.matcher(l);
            if (dir == null || !x.matches()) {
                continue;
            }
            String nm = x.group(4);
            String target = null;
            if (x.group(1).equals("l")) {
                int arrow = nm.indexOf(" -> ");
                target = nm.substring(arrow + 4);
                nm = nm.substring(0, arrow);
            }
            if (nm.equals(".") || nm.equals("..")) {
                continue;
            }
            if (!rockRidge) {
                nm = TreeReader.isoName(nm.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            String facts = x.group(1) + (rockRidge ? " " + Integer.toOctalString(IsoFixtures.perms(x.group(2))) : "")
                    + " " + (x.group(1).equals("-") ? x.group(3) : "0");
            m.put(dir + nm, target == null ? facts : facts + " -> " + target);
        }
        return m;
    }

    /** Our reader in a namespace, in the {@link #isoinfoFacts} shape. */
    private static Map<String, String> ourFacts(Path img, Namespace ns) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (IsoImage iso = IsoImage.open(img, ns)) {
            for (IsoEntry e : iso.walk()) {
                if (e.path().equals("/")) {
                    continue;
                }
                char t = e.isDirectory() ? 'd' : e.isSymlink() ? 'l' : '-';
                String facts = t + (ns == Namespace.ROCK_RIDGE ? " " + Integer.toOctalString(e.permissions()) : "") + " "
                        + e.size();
                m.put(e.path(), e.isSymlink() ? facts + " -> " + e.symlinkTarget() : facts);
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot", "tree"})
    void isoinfoAgreesWithOurReaderInBothNamespaces(String name) throws Exception {
        Path img = IMAGES.get(name);
        Map<String, String> rr = isoinfoFacts(img, true);
        assertEquals(rr, ourFacts(img, Namespace.ROCK_RIDGE));
        Map<String, String> exp = new TreeMap<>(expected(name));
        exp.remove("/");
        assertEquals(exp.keySet(), rr.keySet());
        Map<String, String> plain = isoinfoFacts(img, false);
        assertEquals(plain, ourFacts(img, Namespace.ISO9660));
        assertEquals(rr.size(), plain.size());
        for (IsoLayout.Placement p : PLANS.get(name).entries()) {
            if (!p.path().equals("/")) {
                // the layout's ISO 9660 names are what isoinfo lists
                String iso = p.isoPath().replaceAll(";1$", "").replaceAll("\\.$", "");
                assertNotNull(plain.get(iso), p.isoPath());
            }
        }
    }

    @Test
    void ourReaderReadsEveryByteBackInBothNamespaces() throws Exception {
        Path img = IMAGES.get("tree");
        try (IsoImage rr = IsoImage.open(img, Namespace.ROCK_RIDGE); IsoImage plain = IsoImage.open(img, Namespace.ISO9660)) {
            for (IsoLayout.Placement p : PLANS.get("tree").entries()) {
                if (p.type() != IsoEntry.Type.FILE) {
                    continue;
                }
                byte[] want = WriterFixtures.treeContent(p.path());
                try (InputStream a = rr.open(rr.lookup(p.path()).orElseThrow())) {
                    assertArrayEquals(want, a.readAllBytes(), p.path());
                }
                String iso = p.isoPath().replaceAll(";1$", "").replaceAll("\\.$", "");
                try (InputStream b = plain.open(plain.lookup(iso).orElseThrow())) {
                    assertArrayEquals(want, b.readAllBytes(), iso);
                }
            }
        }
    }

    @Test
    void sameUuidNamesAndModesAsXorrisofsForTheSameTree() throws Exception {
        Path src = WriterFixtures.materialize(tmp.resolve("src"), WriterFixtures.slotOptions().build().fileTime());
        Path theirs = IsoFixtures.mkisofs(tmp.resolve("xorrisofs.iso"), src, "-R", "-V", "LIVENG_SYSTEM2",
                "-disable-deep-relocation", "--modification-date=" + WriterFixtures.UUID.replace("-", ""));
        Path ours = IMAGES.get("tree");
        assertEquals(blkid(theirs, "UUID"), blkid(ours, "UUID"));
        assertEquals(blkid(theirs, "LABEL"), blkid(ours, "LABEL"));
        assertEquals(lsdlFacts(theirs), lsdlFacts(ours));
        assertEquals(isoinfoFacts(theirs, true), isoinfoFacts(ours, true));
    }

    /** Content of {@code size} zero bytes with markers, made on the fly (nothing held in memory). */
    static Content sparse(long size, Map<Long, byte[]> markers) {
        return new Content() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    long pos;

                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (pos >= size) {
                            return -1;
                        }
                        int n = (int) Math.min(len, size - pos);
                        java.util.Arrays.fill(b, off, off + n, (byte) 0);
                        for (Map.Entry<Long, byte[]> m : markers.entrySet()) {
                            long start = m.getKey();
                            byte[] v = m.getValue();
                            for (int i = 0; i < v.length; i++) {
                                long at = start + i;
                                if (at >= pos && at < pos + n) {
                                    b[off + (int) (at - pos)] = v[i];
                                }
                            }
                        }
                        pos += n;
                        return n;
                    }
                };
            }

            @Override
            public String describe() {
                return "generated " + size + " bytes";
            }
        };
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void multiExtentFileAbove4GiB() throws Exception {
        long max = IsoWriterOptions.MAX_EXTENT;
        long size = (4L << 30) + (3 << 20) + 5;
        Map<Long, byte[]> markers = Map.of(0L, "HEAD".getBytes(), max - 4, "BOUNDARY".getBytes(), size - 4, "TAIL".getBytes());
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build())
                .add(new FileSpec("/huge.bin", sparse(size, markers)))
                .add(new FileSpec("/small.txt", Content.of("small\n".getBytes(), "small")));
        Path img = tmp.resolve("huge.iso");
        try {
            try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                w.write(ch, 0);
            }
            assertEquals(w.size(), Files.size(img));
            assertEquals(size, IsoFixtures.lsdl(img).get("/huge.bin").size());
            String isoinfo = IsoFixtures.isoinfo("-l", "-i", img.toString());
            assertTrue(isoinfo.contains(String.valueOf(max)), isoinfo);
            for (Namespace ns : new Namespace[] {Namespace.ROCK_RIDGE, Namespace.ISO9660}) {
                try (IsoImage iso = IsoImage.open(img, ns)) {
                    IsoEntry e = iso.lookup(ns == Namespace.ISO9660 ? "/HUGE.BIN" : "/huge.bin").orElseThrow();
                    assertEquals(size, e.size());
                    assertEquals(2, e.extents().size(), e.extents().toString());
                    assertEquals(max, e.extents().get(0).length());
                    try (InputStream in = iso.open(e)) {
                        assertArrayEquals("HEAD".getBytes(), in.readNBytes(4));
                        assertEquals(max - 8, in.skip(max - 8));
                        assertArrayEquals("BOUNDARY".getBytes(), in.readNBytes(8));
                        assertEquals(size - max - 8, in.skip(size - max - 8));
                        assertArrayEquals("TAIL".getBytes(), in.readNBytes(4));
                        assertEquals(-1, in.read());
                    }
                    assertEquals("small\n", new String(iso.open(iso.lookup(ns == Namespace.ISO9660 ? "/SMALL.TXT"
                            : "/small.txt").orElseThrow()).readAllBytes()));
                }
            }
        } finally {
            Files.deleteIfExists(img);
        }
    }
}
