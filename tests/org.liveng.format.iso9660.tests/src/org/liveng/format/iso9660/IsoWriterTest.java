package org.liveng.format.iso9660;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/** The writer on in-memory images, read back with our own reader; no external tools. */
class IsoWriterTest {

    @TempDir
    Path tmp;

    static byte[] bytes(IsoWriter w) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IsoLayout l = w.write(out);
        assertEquals(l.size(), out.size(), "plan size vs bytes written");
        return out.toByteArray();
    }

    static IsoImage open(byte[] image, Namespace ns) throws Exception {
        return IsoImage.open(new MemoryChannel(image), "test image", ns);
    }

    @Test
    void kernelSlotReadsBackInBothNamespaces() throws Exception {
        Map<String, byte[]> files = WriterFixtures.kernelSlotFiles();
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build());
        files.forEach((p, b) -> w.add(new FileSpec(p, Content.of(b, p))));
        byte[] img = bytes(w);
        try (IsoImage iso = open(img, Namespace.AUTO)) {
            assertTrue(iso.hasRockRidge());
            assertEquals("LIVENG_SYSTEM2", iso.volumeId());
            assertEquals(WriterFixtures.UUID, iso.uuid());
            assertEquals(img.length, iso.primary().volumeSpaceBytes());
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                IsoEntry f = iso.lookup(e.getKey()).orElseThrow();
                assertEquals(0444, f.permissions(), e.getKey());
                assertEquals(0, f.uid());
                try (InputStream in = iso.open(f)) {
                    assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
                }
            }
            assertEquals(0555, iso.lookup("/live").orElseThrow().permissions());
            assertEquals(4, iso.root().nlink()); // 2 + the subdirectories "live" and "liveng"
            assertEquals(List.of("/", "/live", "/liveng"),
                    iso.pathTable().stream().map(p -> p.number() == 1 ? "/" : "/" + p.identifier().toLowerCase()).toList());
        }
        try (IsoImage iso = open(img, Namespace.ISO9660)) {
            assertArrayEquals(files.get("/live/initrd.img"), iso.open(iso.lookup("/LIVE/INITRD.IMG").orElseThrow()).readAllBytes());
            assertArrayEquals(files.get("/live/vmlinuz"), iso.open(iso.lookup("/LIVE/VMLINUZ").orElseThrow()).readAllBytes());
            assertArrayEquals(files.get("/liveng/slot.json"), iso.open(iso.lookup("/LIVENG/SLOT.JSO").orElseThrow()).readAllBytes());
        }
    }

    @Test
    void treeReadsBackAndIsoNamesAreUniqueDCharacters() throws Exception {
        IsoWriter w = WriterFixtures.treeWriter(WriterFixtures.slotOptions().build());
        byte[] img = bytes(w);
        IsoLayout plan = w.plan();
        try (IsoImage rr = open(img, Namespace.ROCK_RIDGE); IsoImage plain = open(img, Namespace.ISO9660)) {
            Set<String> expected = new HashSet<>();
            for (IsoLayout.Placement p : plan.entries()) {
                expected.add(p.path());
                IsoEntry e = rr.lookup(p.path()).orElseThrow(() -> new AssertionError("missing " + p.path()));
                assertEquals(p.type(), e.type(), p.path());
                String iso = p.isoPath().replaceAll(";1$", "").replaceAll("\\.$", "");
                IsoEntry q = plain.lookup(iso).orElseThrow(() -> new AssertionError("missing " + iso));
                assertTrue(iso.matches("/|(/[A-Z0-9_~]{1,8}(\\.[A-Z0-9_]{0,3})?)+"), iso);
                if (e.isFile()) {
                    byte[] want = WriterFixtures.treeContent(p.path());
                    assertArrayEquals(want, rr.open(e).readAllBytes(), p.path());
                    assertArrayEquals(want, plain.open(q).readAllBytes(), iso);
                }
                if (e.isSymlink()) {
                    assertEquals(WriterFixtures.TREE_LINKS.get(p.path()), e.symlinkTarget(), p.path());
                }
            }
            Set<String> got = new HashSet<>();
            rr.walk().forEach(e -> got.add(e.path()));
            assertEquals(expected, got);
            assertEquals(expected.size(), plain.walk().size());
            assertEquals(300, rr.list(rr.lookup("/many").orElseThrow()).size());
            assertEquals(WriterFixtures.LONG_NAME, rr.lookup("/names/" + WriterFixtures.LONG_NAME).orElseThrow().name());
            assertEquals(0755, rr.lookup("/bin/tool.sh").orElseThrow().permissions());
            assertEquals(0, rr.lookup("/empty").orElseThrow().size());
        }
    }

    @Test
    void sameInputsGiveSameBytesOnEveryPath() throws Exception {
        byte[] a = bytes(WriterFixtures.treeWriter(WriterFixtures.slotOptions().build()));
        byte[] b = bytes(WriterFixtures.treeWriter(WriterFixtures.slotOptions().build()));
        assertArrayEquals(a, b);
        Path f = tmp.resolve("disk.img");
        long offset = 3 * 1024 * 1024 + 512;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ch.write(ByteBuffer.wrap("before".getBytes(StandardCharsets.US_ASCII)), 0);
            WriterFixtures.treeWriter(WriterFixtures.slotOptions().build()).write(ch, offset);
            assertEquals(offset + a.length, ch.size());
        }
        byte[] disk = Files.readAllBytes(f);
        assertArrayEquals(a, Arrays.copyOfRange(disk, (int) offset, disk.length));
        assertEquals("before", new String(disk, 0, 6, StandardCharsets.US_ASCII));
        // the order files are added in does not matter
        IsoWriter rev = new IsoWriter(WriterFixtures.slotOptions().build());
        List<Runnable> adds = WriterFixtures.treeAdds(rev);
        for (int i = adds.size() - 1; i >= 0; i--) {
            adds.get(i).run();
        }
        assertArrayEquals(a, bytes(rev));
    }

    @Test
    void planKnowsTheSizeBeforeReadingContent() throws Exception {
        Content untouchable = new Content() {
            @Override
            public long size() {
                return 5000;
            }

            @Override
            public InputStream open() {
                throw new AssertionError("plan() must not read content");
            }

            @Override
            public String describe() {
                return "untouchable";
            }
        };
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build()).add(new FileSpec("/a/b", untouchable));
        IsoLayout l = w.plan();
        // 16 system + PVD + terminator + L + M + 2 directories + 1 CE block (root ER) + 3 data blocks
        assertEquals(26L * 2048, l.size());
        assertEquals(l.size(), w.size());
        l.requireCapacity(l.size());
    }

    @Test
    void multiExtentFilesWhenTheyExceedTheExtentLimit() throws Exception {
        byte[] data = WriterFixtures.random(7, 2048 * 5 + 100);
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().maxExtent(4096).build())
                .add(new FileSpec("/big.bin", Content.of(data, "big")))
                .add(new FileSpec("/small", Content.of(new byte[] {1, 2, 3}, "small")));
        byte[] img = bytes(w);
        for (Namespace ns : List.of(Namespace.ROCK_RIDGE, Namespace.ISO9660)) {
            try (IsoImage iso = open(img, ns)) {
                IsoEntry e = iso.lookup(ns == Namespace.ISO9660 ? "/BIG.BIN" : "/big.bin").orElseThrow();
                assertEquals(3, e.extents().size(), e.extents().toString());
                assertEquals(4096, e.extents().get(0).length());
                assertEquals(data.length, e.size());
                assertArrayEquals(data, iso.open(e).readAllBytes());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-01-00-00-00-00", "2023-12-31-23-59-59-99", "1999-06-15-12-30-45-07"})
    void uuidRoundTripsDigitForDigit(String uuid) throws Exception {
        IsoWriterOptions o = IsoWriterOptions.builder().volumeId("LIVENG_SYSTEM2").modifiedFromUuid(uuid)
                .created(Instant.parse("2020-02-02T02:02:02.02Z")).build();
        assertEquals(uuid, o.uuid());
        byte[] img = bytes(new IsoWriter(o).add(new FileSpec("/x", Content.of(new byte[1], "x"))));
        try (IsoImage iso = open(img, Namespace.AUTO)) {
            assertEquals(uuid, iso.uuid());
            assertEquals(uuid.replace("-", ""), iso.primary().modification().digits());
            assertEquals("2020020202020202", iso.primary().creation().digits());
            assertTrue(iso.primary().expiration().isUnset());
        }
        assertEquals(uuid, IsoWriterOptions.builder().volumeId("V").modifiedFromUuid(uuid.replace("-", "")).build().uuid());
        assertEquals(uuid, IsoWriterOptions.uuid(o.modified()));
    }

    @Test
    void plainIsoWithoutRockRidge() throws Exception {
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().rockRidge(false).build());
        w.add(new FileSpec("/live/vmlinuz", Content.of(new byte[] {9}, "k")));
        try (IsoImage iso = open(bytes(w), Namespace.AUTO)) {
            assertFalse(iso.hasRockRidge());
            assertEquals(1, iso.lookup("/LIVE/VMLINUZ").orElseThrow().size());
        }
    }

    // ---------------------------------------------------------------- refusals

    @ParameterizedTest
    @ValueSource(strings = {"liveng_system2", "LIVENG-SYSTEM2", "LIVENG SYSTEM", "ÄÖÜ", "A_VOLUME_ID_THAT_IS_FAR_TOO_LONG_X", ""})
    void invalidVolumeIdFails(String id) {
        LivengException e = assertThrows(LivengException.class,
                () -> IsoWriterOptions.builder().volumeId(id).modifiedFromUuid(WriterFixtures.UUID).build());
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("volume id"), e.getMessage());
    }

    @Test
    void invalidOtherIdsAndDatesFail() {
        LivengException e = assertThrows(LivengException.class, () -> IsoWriterOptions.builder().volumeId("OK")
                .systemId("linux").publisherId("ME\u00e9").modifiedFromUuid("2024-13-01-00-00-00-00").build());
        assertTrue(e.getMessage().contains("system id 'linux'"), e.getMessage());
        assertTrue(e.getMessage().contains("(use upper case)"), e.getMessage());
        assertTrue(e.getMessage().contains("publisher id"), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid date"), e.getMessage());
        e = assertThrows(LivengException.class, () -> IsoWriterOptions.builder().volumeId("OK").modifiedFromUuid("2024-01-01").build());
        assertTrue(e.getMessage().contains("expected YYYY-MM-DD-HH-mm-ss-cc"), e.getMessage());
        e = assertThrows(LivengException.class, () -> IsoWriterOptions.builder().volumeId("OK").build());
        assertTrue(e.getMessage().contains("modification date"), e.getMessage());
    }

    @Test
    void duplicatePathFails() throws Exception {
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build())
                .add(new FileSpec("/live/vmlinuz", Content.of(new byte[1], "a")))
                .add(new FileSpec("/live/vmlinuz", Content.of(new byte[2], "b")));
        LivengException e = assertThrows(LivengException.class, w::plan);
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("duplicate path /live/vmlinuz"), e.getMessage());
    }

    @Test
    void fileAndDirectoryAtOnePathFail() throws Exception {
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build())
                .add(new FileSpec("/live", Content.of(new byte[1], "a")))
                .add(new FileSpec("/live/vmlinuz", Content.of(new byte[2], "b")))
                .directory("/boot", 0755, null)
                .add(new FileSpec("/boot", Content.of(new byte[2], "c")))
                .symlink("/bad/../path", "x");
        LivengException e = assertThrows(LivengException.class, w::plan);
        assertTrue(e.getMessage().contains("/live is both a file and a directory"), e.getMessage());
        assertTrue(e.getMessage().contains("/boot is both a directory and a file"), e.getMessage());
        assertTrue(e.getMessage().contains("'/bad/../path' has an empty, '.' or '..' element"), e.getMessage());
    }

    @Test
    void symlinkWithoutRockRidgeFails() throws Exception {
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().rockRidge(false).build()).symlink("/l", "t");
        LivengException e = assertThrows(LivengException.class, w::plan);
        assertTrue(e.getMessage().contains("needs Rock Ridge"), e.getMessage());
    }

    @Test
    void capacityExceededFails() throws Exception {
        IsoWriter ok = new IsoWriter(WriterFixtures.slotOptions().build())
                .add(new FileSpec("/live/vmlinuz", Content.of(new byte[100_000], "k")));
        long size = ok.size();
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().capacity(size - 1).build())
                .add(new FileSpec("/live/vmlinuz", Content.of(new byte[100_000], "k")));
        LivengException e = assertThrows(LivengException.class, w::plan);
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("needs " + size + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("the partition has " + (size - 1) + " bytes"), e.getMessage());
        e = assertThrows(LivengException.class, () -> ok.plan().requireCapacity(size - 2048));
        assertTrue(e.getMessage().contains("the partition has " + (size - 2048) + " bytes"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1, 5000})
    void contentSizeLieFails(int delta) throws Exception {
        int actual = 10_000 + delta;
        boolean changeSize = delta == 5000;
        long[] announced = {10_000};
        Content liar = new Content() {
            @Override
            public long size() {
                return announced[0];
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(new byte[actual]);
            }

            @Override
            public String describe() {
                return "liar";
            }
        };
        IsoWriter w = new IsoWriter(WriterFixtures.slotOptions().build()).add(new FileSpec("/live/initrd.img", liar));
        IsoLayout plan = w.plan();
        if (changeSize) {
            announced[0] = actual;
        }
        LivengException e = assertThrows(LivengException.class, () -> plan.writeTo(new ByteArrayOutputStream()));
        assertEquals(ErrorCodes.IO, e.code());
        assertTrue(e.getMessage().contains("content liar of /live/initrd.img"), e.getMessage());
        String want = changeSize ? "now has 15000 bytes, but had 10000" : delta < 0 ? "ended after 9999 bytes" : "more than the 10000 bytes";
        assertTrue(e.getMessage().contains(want), e.getMessage());
    }
}
