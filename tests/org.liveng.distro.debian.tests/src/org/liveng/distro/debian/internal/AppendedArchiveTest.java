package org.liveng.distro.debian.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.format.initrd.Initramfs;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;

/** The appended archive: the original bytes untouched, then a gzip'd newc archive that GNU cpio lists and our reader merges. */
class AppendedArchiveTest {
    @Test
    void originalFirstThenTheNewArchiveWhoseFilesWin(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a"), "old a\n");
        Files.writeString(src.resolve("keep"), "kept\n");
        Path original = dir.resolve("original.cpio");
        Oracles.run(Command.of("cpio", "-o", "-H", "newc", "--quiet", "-O", original.toString()).directory(src)
                .stdin("a\nkeep\n".getBytes(StandardCharsets.US_ASCII)));
        AppendedArchive ar = new AppendedArchive();
        ar.directory("usr");
        ar.directory("usr/sbin");
        ar.file("usr/sbin/tool", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
        ar.file("a", 0644, "new a\n".getBytes(StandardCharsets.US_ASCII));
        Path out = dir.resolve("out.img");
        ar.writeAfter(original, out, 1704067200L);

        byte[] o = Files.readAllBytes(original);
        byte[] all = Files.readAllBytes(out);
        assertArrayEquals(o, Arrays.copyOf(all, o.length));
        Initramfs r = Initramfs.read(out);
        assertEquals(2, r.segments().size(), r.toString());
        assertEquals(1, r.find("a").orElseThrow().segment(), "the appended a replaces the original's");
        assertEquals(0, r.find("keep").orElseThrow().segment());
        assertEquals(0755, r.find("usr/sbin/tool").orElseThrow().permissions());
        assertEquals(1704067200L, r.find("usr/sbin/tool").orElseThrow().mtime());

        Path tail = dir.resolve("tail.cpio.gz");
        Files.write(tail, Arrays.copyOfRange(all, (int) r.segments().get(1).offset(), all.length));
        Oracles.run(Command.of("gzip", "-d", tail.toString()));
        String listing = Oracles.run(Command.of("cpio", "-t", "-v", "--quiet", "-F", dir.resolve("tail.cpio").toString())).stdoutText();
        assertEquals(List.of("a", "usr", "usr/sbin", "usr/sbin/tool"), listing.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
        listing.lines().forEach(l -> org.junit.jupiter.api.Assertions.assertTrue(l.contains(" root ") || l.contains(" 0 "), l));
    }
}
