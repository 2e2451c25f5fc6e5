package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;
import org.liveng.format.initrd.CpioEntry;
import org.liveng.format.initrd.Initramfs;
import org.liveng.format.initrd.Segment;

/**
 * What an initrd can do for liveng: live-boot present, cryptsetup and
 * dm-crypt available (live-boot silently drops {@code persistence-encryption=luks}
 * without them).
 */
final class InitrdAnalyzer {
    private static final Pattern MODULES_DIR = Pattern.compile("^(?:usr/)?lib/modules/([^/]+)/");
    private static final Pattern BUILTIN = Pattern.compile("^(?:usr/)?lib/modules/[^/]+/modules\\.builtin$");
    private static final long CAPTURE_LIMIT = 4L << 20;
    static final List<String> CRYPTSETUP_PATHS = List.of("usr/sbin/cryptsetup", "sbin/cryptsetup", "usr/bin/cryptsetup", "bin/cryptsetup");

    InitrdInfo analyze(Medium medium, MediumEntry initrd, String kernelVersion, String liveBootVersion) throws LivengException {
        return analyze(Content.of(initrd.size(), () -> open(medium, initrd.path()), initrd.path()),
                medium.source() + ": the initrd " + initrd.path(), kernelVersion, liveBootVersion);
    }

    /** Analyses an initrd given as content; {@code what} names it in errors. */
    static InitrdInfo analyze(Content initrd, String what, String kernelVersion, String liveBootVersion) throws LivengException {
        Initramfs ramfs;
        try (StreamChannel ch = new StreamChannel(initrd::open, initrd.size())) {
            ramfs = Initramfs.read(ch, initrd.size(), p -> BUILTIN.matcher(p).matches(), CAPTURE_LIMIT);
        } catch (FormatException e) {
            throw new FormatException(e.offset(), what + " is not readable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + what + " failed: " + e.getMessage(), null, e);
        }
        return analyze(ramfs, initrd.size(), kernelVersion, liveBootVersion);
    }

    private static java.io.InputStream open(Medium medium, String path) throws IOException {
        try {
            return medium.open(path);
        } catch (LivengException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static InitrdInfo analyze(Initramfs ramfs, long size, String kernelVersion, String liveBootVersion) {
        boolean liveBoot = ramfs.contains("scripts/live") || ramfs.entries().stream().anyMatch(e -> e.path().startsWith("lib/live/boot/"));
        boolean cryptsetup = CRYPTSETUP_PATHS.stream().anyMatch(ramfs::contains);
        TreeSet<String> moduleVersions = new TreeSet<>();
        boolean dmCryptModule = false;
        boolean dmModModule = false;
        for (CpioEntry e : ramfs.entries()) {
            Matcher m = MODULES_DIR.matcher(e.path());
            if (m.find()) {
                moduleVersions.add(m.group(1));
            }
            String name = e.path().substring(e.path().lastIndexOf('/') + 1);
            if (e.path().contains("/drivers/md/")) {
                dmCryptModule |= name.startsWith("dm-crypt.ko");
                dmModModule |= name.startsWith("dm-mod.ko");
            }
        }
        String builtin = builtinModules(ramfs);
        boolean dmCrypt = (dmCryptModule || builtin.contains("drivers/md/dm-crypt.ko"))
                && (dmModModule || builtin.contains("drivers/md/dm-mod.ko"));
        String modulesVersion = moduleVersions.contains(kernelVersion) ? kernelVersion
                : moduleVersions.isEmpty() ? "" : moduleVersions.last();
        List<String> segments = new ArrayList<>();
        for (Segment s : ramfs.segments()) {
            segments.add(s.compression().displayName());
        }
        return new InitrdInfo(size, segments, ramfs.entries().size(), liveBoot, liveBoot ? liveBootVersion : "",
                cryptsetup, dmCrypt, modulesVersion, liveBoot && cryptsetup && dmCrypt);
    }

    private static String builtinModules(Initramfs ramfs) {
        StringBuilder sb = new StringBuilder();
        for (String p : ramfs.capturedPaths()) {
            Optional<byte[]> b = ramfs.captured(p);
            b.ifPresent(bytes -> sb.append(new String(bytes, StandardCharsets.UTF_8)).append('\n'));
        }
        return sb.toString();
    }
}
