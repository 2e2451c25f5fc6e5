package org.liveng.verify.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.format.fat.FatReader;
import org.liveng.format.gpt.GptDisk;
import org.liveng.format.gpt.GptPartition;
import org.liveng.format.gpt.GptReader;
import org.liveng.format.gpt.PartitionTypes;
import org.liveng.format.iso9660.IsoMedium;
import org.liveng.format.pe.Authenticode;
import org.liveng.format.pe.AuthenticodeSignature;
import org.liveng.format.pe.PeImage;
import org.liveng.format.pe.SbatEntry;
import org.liveng.format.pe.Signer;
import org.liveng.format.pe.Verification;

/**
 * Walks a stick's Secure Boot chain offline, as firmware, shim and GRUB would: the ESP's
 * {@code \EFI\BOOT\BOOTX64.EFI} checked by the firmware against db and dbx; if it is shim, the
 * next stage {@code grubx64.efi} beside it checked the way shim does (db, MokList, shim's
 * {@code .vendor_cert}, minus dbx; SBAT against the revocation level); then GRUB's configuration
 * (the stub in {@code \EFI\liveng}, {@code \EFI\debian} or {@code \EFI\BOOT}, followed to the menu
 * it loads) and every {@code linux} kernel of every menu entry, read from the volume its
 * {@code search --fs-uuid} names, checked through shim's verifier. Read with liveng's own GPT, FAT,
 * ISO 9660 and PE readers; nothing is written. The legacy PreLoader chain ({@code loader.efi} beside a
 * {@code BOOTX64.EFI} that is not shim) is checked as PreLoader does: db, and the SHA-256 hashes of MokList;
 * when that {@code loader.efi} is liveng-lock, GRUB beside it and GRUB's kernels are checked the same way
 * (liveng-lock answers GRUB's shim_lock requests with PreLoader's verdict); when it is GRUB itself, GRUB
 * finds no shim_lock and the kernels fail.
 */
public final class ChainVerifier {
    static final int MAX_EFI = 64 << 20;
    static final int MAX_KERNEL = 256 << 20;
    static final int MAX_CFG = 1 << 20;
    /** PreLoader's next stage, beside it. */
    static final String PRELOADER_NEXT = "/EFI/BOOT/loader.efi";
    /** What liveng-lock starts, beside it. */
    static final String LOCK_NEXT = "/EFI/BOOT/grubx64.efi";
    /** The marker liveng-lock carries (in its {@code .data} section). */
    static final byte[] LOCK_MARKER = "LIVENG-LOCK/1 shim_lock provider".getBytes(StandardCharsets.US_ASCII);
    static final List<String> STUB_DIRS = List.of("/EFI/liveng", "/EFI/debian", "/EFI/BOOT");
    private static final Pattern SEARCH = Pattern.compile("search\\b.*--fs-uuid\\b.*--set=(\\w+)\\s+(\\S+)");
    private static final Pattern SET = Pattern.compile("^set\\s+(\\w+)=\"?([^\"]*)\"?$");
    private static final Pattern MENUENTRY = Pattern.compile("^menuentry\\s+(?:'([^']*)'|\"([^\"]*)\")");

    /**
     * @param db the firmware's db
     * @param mok certificates shim trusts from MokList (may be empty)
     * @param dbx revoked hashes and certificates (may be empty)
     * @param sbatLevel component to minimum generation (may be empty)
     */
    public record Options(Trust db, Trust mok, Trust dbx, Map<String, Integer> sbatLevel) {
        public Options {
            sbatLevel = Map.copyOf(sbatLevel);
        }
    }

    private final Options options;
    private Map<String, Integer> level;
    private String levelSource;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final Map<String, IsoMedium> isos = new LinkedHashMap<>();
    private FatReader esp;
    private String espUuid;

    private ChainVerifier(Options options) {
        this.options = options;
        this.level = options.sbatLevel();
        this.levelSource = level.isEmpty() ? "none" : "given: " + level;
    }

    /** A filesystem of the stick GRUB can name by UUID. */
    private record Volume(String name, IsoMedium iso, FatReader fat) {
        byte[] read(String path, int max) throws LivengException, IOException {
            return iso != null ? iso.readAll(path, max) : fat.read(path, max);
        }

        boolean exists(String path) throws LivengException, IOException {
            return iso != null ? iso.stat(path).isPresent() : fat.stat(path).isPresent();
        }
    }

    public static VerifyReport verify(Path target, Options options) throws LivengException {
        ChainVerifier v = new ChainVerifier(options);
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            return v.run(target, ch);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + target + ": " + e.getMessage(), null, e);
        } finally {
            for (AutoCloseable c : v.open) {
                try {
                    c.close();
                } catch (Exception e) {
                    // read-only: nothing to lose
                }
            }
        }
    }

    private VerifyReport run(Path target, FileChannel ch) throws IOException, LivengException {
        long size = ch.size();
        int sector = GptReader.detectSectorSize(ch, size).orElse(512);
        GptDisk disk = GptReader.read(ch, size, sector).disk();
        GptPartition espPart = disk.findByType(PartitionTypes.EFI_SYSTEM).stream().findFirst().orElseThrow(() -> new LivengException(
                ErrorCodes.NOT_FOUND, target + " has no EFI System Partition", "is it a liveng stick or a UEFI-bootable disk?"));
        for (GptPartition p : disk.partitions()) {
            long off = p.offsetBytes(sector);
            long len = (p.lastLba() - p.firstLba() + 1) * sector;
            if (p == espPart || p.typeGuid().equals(PartitionTypes.EFI_SYSTEM) && esp == null) {
                FatReader fat = FatReader.open(ch, off, "ESP");
                open.add(fat);
                esp = fat;
                espUuid = fat.serialString();
                volumes.put(espUuid.toLowerCase(Locale.ROOT), new Volume("ESP", null, fat));
                continue;
            }
            try {
                IsoMedium iso = IsoMedium.open(new Window(ch, off, len), p.name());
                open.add(iso);
                volumes.put(iso.uuid().toLowerCase(Locale.ROOT), new Volume(p.name(), iso, null));
                isos.put(p.name(), iso);
            } catch (LivengException | IOException | RuntimeException notIso) {
                // not ISO 9660: GRUB of a liveng stick loads kernels only from ISO 9660 slots and the ESP
            }
        }
        List<VerifyReport.Binary> chain = new ArrayList<>();
        List<VerifyReport.Slot> slots = SlotBindings.check(disk, isos);
        Volume espVol = volumes.get(espUuid.toLowerCase(Locale.ROOT));
        String first = "/EFI/BOOT/BOOTX64.EFI";
        if (!esp.stat(first).isPresent()) {
            throw new LivengException(ErrorCodes.NOT_FOUND, target + ": the ESP has no " + first + " (the firmware's default boot path)",
                    "not a removable-media UEFI boot disk");
        }
        PeImage boot = pe(espVol, first);
        chain.add(check("firmware", "ESP:" + first, "firmware (db, dbx)", boot, options.db()));
        Optional<Trust> vendor = ShimVendor.read(boot);
        boolean shim = vendor.isPresent();
        if (shim && level.isEmpty()) {
            Optional<String> builtIn = shimPreviousLevel(boot);
            if (builtIn.isPresent()) {
                level = sbatLevel(builtIn.get());
                levelSource = "shim's built-in previous level: " + level;
            }
        }
        if (shim) {
            Trust shimTrust = options.db().plus(options.mok(), "db + MokList").plus(vendor.get(), "db + MokList + " + vendor.get().name());
            String second = "/EFI/BOOT/grubx64.efi";
            if (!esp.stat(second).isPresent()) {
                chain.add(missing("shim -> grub", "ESP:" + second, "shim"));
            } else {
                chain.add(check("shim -> grub", "ESP:" + second, "shim (" + shimTrust.name() + ", dbx)", pe(espVol, second), shimTrust));
            }
            kernels(espVol, chain, shimTrust, Loader.SHIM);
        } else if (esp.stat(PRELOADER_NEXT).isPresent()) {
            // PreLoader (efitools): the next stage by db, or by its hash in MokList (HashTool enrols hashes only)
            Trust hashes = options.db().plus(new Trust("MokList hashes", List.of(), options.mok().sha256()), "db + MokList hashes");
            PeImage next = pe(espVol, PRELOADER_NEXT);
            chain.add(enrolment(check("preloader -> loader", "ESP:" + PRELOADER_NEXT, "PreLoader (" + hashes.name() + ", dbx)", next, hashes)));
            if (isLivengLock(next)) {
                // liveng-lock provides shim_lock and starts GRUB beside it; both it and GRUB's kernels are judged by PreLoader's policy
                if (!esp.stat(LOCK_NEXT).isPresent()) {
                    chain.add(missing("liveng-lock -> grub", "ESP:" + LOCK_NEXT, "liveng-lock"));
                } else {
                    chain.add(enrolment(check("liveng-lock -> grub", "ESP:" + LOCK_NEXT, "PreLoader's policy (" + hashes.name() + ", dbx)",
                            pe(espVol, LOCK_NEXT), hashes)));
                }
                kernels(espVol, chain, hashes, Loader.LIVENG_LOCK);
            } else {
                kernels(espVol, chain, hashes, Loader.PRELOADER);
            }
        } else {
            kernels(espVol, chain, options.db(), Loader.NONE);
        }
        List<String> failures = new ArrayList<>();
        for (VerifyReport.Binary b : chain) {
            if (!b.ok()) {
                failures.add(b.path() + ": " + String.join("; ", b.problems()));
            }
        }
        for (VerifyReport.Slot sl : slots) {
            if (!sl.ok()) {
                failures.add(sl.partition() + ": " + sl.problem());
            }
        }
        return new VerifyReport(target.toString(), options.db().name(), levelSource, failures.isEmpty(), chain, failures, slots);
    }

    /** What started GRUB, and so what checks the kernels GRUB starts. */
    private enum Loader {
        SHIM, PRELOADER, LIVENG_LOCK, NONE
    }

    /** Whether PreLoader's next stage is liveng-lock (bundle org.liveng.signing.own, efi/liveng-lock.c), by its marker. */
    static boolean isLivengLock(PeImage image) {
        return image.contains(LOCK_MARKER);
    }

    /**
     * A binary PreLoader trusts only by hash: when it fails for want of trust, what to enrol. PreLoader
     * reads hashes from MokList (HashTool enrols there), not certificates.
     */
    private static VerifyReport.Binary enrolment(VerifyReport.Binary b) {
        if (b.ok() || !b.trustedVia().isEmpty()) {
            return b;
        }
        List<String> problems = new ArrayList<>();
        for (String p : b.problems()) {
            problems.add(p.startsWith("not signed, and its hash") || p.startsWith("signed by ")
                    ? "needs HashTool enrolment: its Authenticode SHA-256 " + b.sha256() + " is not in db or the given MokList" : p);
        }
        return new VerifyReport.Binary(b.stage(), b.path(), b.verifiedBy(), b.sha256(), b.signers(), b.trustedVia(), b.sbat(), false, problems);
    }

    private void kernels(Volume espVol, List<VerifyReport.Binary> chain, Trust trust, Loader loader) throws LivengException, IOException {
        String stub = null;
        for (String d : STUB_DIRS) {
            if (esp.stat(d + "/grub.cfg").isPresent()) {
                stub = d + "/grub.cfg";
                break;
            }
        }
        if (stub == null) {
            return;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("root", espUuid.toLowerCase(Locale.ROOT));
        String menuVolume = vars.get("root");
        String menuPath = stub;
        // follow configfile from the stub (one level, as the liveng stub and Debian's do)
        for (String line : text(espVol, stub).lines().map(String::strip).toList()) {
            Matcher s = SEARCH.matcher(line);
            if (s.find()) {
                vars.put(s.group(1), s.group(2).toLowerCase(Locale.ROOT));
            }
            Matcher set = SET.matcher(line);
            if (set.find()) {
                vars.put(set.group(1), set.group(2));
            }
            if (line.startsWith("configfile ")) {
                String p = line.substring("configfile ".length()).strip().replace("$prefix", vars.getOrDefault("prefix", ""))
                        .replace("${prefix}", vars.getOrDefault("prefix", ""));
                Matcher dev = Pattern.compile("^\\(\\$(\\w+)\\)(/.*)$").matcher(p);
                if (dev.find()) {
                    menuVolume = vars.getOrDefault(dev.group(1), menuVolume);
                    p = dev.group(2);
                }
                menuPath = p;
            }
        }
        Volume mv = volumes.get(menuVolume);
        if (mv == null || !mv.exists(menuPath)) {
            chain.add(missing("grub", "menu " + menuPath, "grub"));
            return;
        }
        String entry = null;
        String root = menuVolume;
        for (String line : text(mv, menuPath).lines().map(String::strip).toList()) {
            Matcher m = MENUENTRY.matcher(line);
            if (m.find()) {
                entry = m.group(1) != null ? m.group(1) : m.group(2);
                root = menuVolume;
            }
            Matcher s = SEARCH.matcher(line);
            if (s.find() && s.group(1).equals("root")) {
                root = s.group(2).toLowerCase(Locale.ROOT);
            }
            if (entry != null && line.startsWith("linux ")) {
                String path = line.split("\\s+")[1];
                Volume kv = volumes.get(root);
                String stage = "kernel (" + entry + ")";
                if (kv == null) {
                    // a kernel slot never written has no filesystem yet; GRUB's boot state does not pick it
                    chain.add(new VerifyReport.Binary(stage + " empty slot", root + ":" + path, "grub", "", List.of(), "", List.of(), true,
                            List.of("no filesystem with UUID " + root + " on this disk (slot not written)")));
                } else if (!kv.exists(path)) {
                    chain.add(new VerifyReport.Binary(stage + " empty slot", kv.name() + ":" + path, "grub", "", List.of(), "", List.of(), true,
                            List.of("no kernel: GRUB's boot state skips an empty slot")));
                } else if (loader == Loader.PRELOADER) {
                    PeImage k = PeImage.parse(kv.read(path, MAX_KERNEL), kv.name() + ":" + path);
                    VerifyReport.Binary b = enrolment(check(stage, kv.name() + ":" + path, "PreLoader's policy (" + trust.name() + ", dbx)", k, trust));
                    List<String> problems = new ArrayList<>(b.problems());
                    problems.add("GRUB under Secure Boot starts a kernel only through shim's verifier (shim_lock), which PreLoader does not"
                            + " provide: GRUB refuses this kernel even with its hash enrolled");
                    chain.add(new VerifyReport.Binary(b.stage(), b.path(), b.verifiedBy(), b.sha256(), b.signers(), b.trustedVia(), b.sbat(), false,
                            problems));
                } else if (loader == Loader.LIVENG_LOCK) {
                    PeImage k = PeImage.parse(kv.read(path, MAX_KERNEL), kv.name() + ":" + path);
                    chain.add(enrolment(check(stage, kv.name() + ":" + path, "liveng-lock through PreLoader's policy (" + trust.name() + ", dbx)",
                            k, trust)));
                } else if (loader == Loader.NONE) {
                    chain.add(new VerifyReport.Binary(stage, kv.name() + ":" + path, "grub", "", List.of(), "", List.of(), false,
                            List.of("no shim in the chain: under Secure Boot GRUB needs shim's verifier (shim_lock) to start a kernel")));
                } else {
                    PeImage k = PeImage.parse(kv.read(path, MAX_KERNEL), kv.name() + ":" + path);
                    chain.add(check(stage, kv.name() + ":" + path, "shim verifier (" + trust.name() + ", dbx)", k, trust));
                }
            }
        }
    }

    private VerifyReport.Binary check(String stage, String path, String verifiedBy, PeImage image, Trust trust) throws LivengException {
        List<String> problems = new ArrayList<>();
        String hash = HexFormat.of().formatHex(Authenticode.imageHash(image, "SHA-256"));
        List<String> signers = new ArrayList<>();
        String via = "";
        List<AuthenticodeSignature> sigs = Authenticode.signatures(image);
        for (AuthenticodeSignature s : sigs) {
            for (Signer si : s.signers()) {
                signers.add(si.subject());
            }
            if (!options.dbx().certificates().isEmpty() && Authenticode.verify(image, s, options.dbx().certificates()).trusted()) {
                problems.add("signature " + s.index() + " chains to a certificate in dbx (revoked)");
                continue;
            }
            if (!via.isEmpty() || trust.certificates().isEmpty()) {
                continue;
            }
            Verification v = Authenticode.verify(image, s, trust.certificates());
            if (v.ok()) {
                via = anchor(image, s, trust.certificates());
            } else if (!v.imageDigestMatches() || !v.signatureValid()) {
                problems.addAll(v.problems());
            }
        }
        if (via.isEmpty() && trust.sha256().contains(hash)) {
            via = "image hash in " + trust.name();
        }
        if (options.dbx().sha256().contains(hash)) {
            problems.add("its image hash " + hash + " is in dbx (revoked)");
            via = "";
        }
        if (via.isEmpty() && problems.isEmpty()) {
            problems.add(sigs.isEmpty() ? "not signed, and its hash is not in " + trust.name()
                    : "signed by " + String.join(", ", signers) + ", which " + trust.name() + " does not trust");
        }
        List<String> sbat = new ArrayList<>();
        for (SbatEntry e : image.sbat()) {
            sbat.add(e.component() + "," + e.generation());
            Integer min = level.get(e.component());
            if (min != null && e.generation() < min && !e.component().equals("sbat")) {
                problems.add("SBAT " + e.component() + " generation " + e.generation() + " is revoked (level " + min + ")");
            }
        }
        boolean ok = !via.isEmpty() && problems.isEmpty();
        return new VerifyReport.Binary(stage, path, verifiedBy, hash, signers, via, sbat, ok, problems);
    }

    /**
     * The "previous" revocation level shim applies by default, from its {@code .sbatlevel} section
     * (shim 15.8+: UINT32 version, then UINT32 offsets of the previous and latest NUL-terminated CSV
     * texts, counted from the end of the version field).
     */
    static Optional<String> shimPreviousLevel(PeImage shim) throws LivengException {
        Optional<byte[]> s = shim.sectionData(".sbatlevel");
        if (s.isEmpty() || s.get().length < 12) {
            return Optional.empty();
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(s.get()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long start = 4 + Integer.toUnsignedLong(b.getInt(4));
        if (start >= s.get().length) {
            throw new org.liveng.api.FormatException(start, shim.source() + ": .sbatlevel previous level at " + start + " lies outside the section");
        }
        int end = (int) start;
        while (end < s.get().length && s.get()[end] != 0) {
            end++;
        }
        return Optional.of(new String(s.get(), (int) start, end - (int) start, StandardCharsets.US_ASCII));
    }

    private static String anchor(PeImage image, AuthenticodeSignature s, List<X509Certificate> anchors) throws LivengException {
        for (X509Certificate a : anchors) {
            if (Authenticode.verify(image, s, List.of(a)).ok()) {
                return a.getSubjectX500Principal().getName(X500Principal.RFC2253);
            }
        }
        return "?";
    }

    private static VerifyReport.Binary missing(String stage, String path, String by) {
        return new VerifyReport.Binary(stage, path, by, "", List.of(), "", List.of(), false, List.of("missing"));
    }

    private static PeImage pe(Volume v, String path) throws LivengException, IOException {
        return PeImage.parse(v.read(path, MAX_EFI), v.name() + ":" + path);
    }

    private static String text(Volume v, String path) throws LivengException, IOException {
        return new String(v.read(path, MAX_CFG), StandardCharsets.UTF_8);
    }

    static String commonName(X509Certificate c) {
        return org.liveng.keys.Certificates.commonName(c);
    }

    /** An SBAT revocation level: a file or text of "component,generation" lines (the "sbat,1,date" header line is skipped); ';' also separates. */
    public static Map<String, Integer> sbatLevel(String value) throws LivengException {
        String text = value;
        Path p = Path.of(value);
        if (java.nio.file.Files.isRegularFile(p)) {
            try {
                text = java.nio.file.Files.readString(p, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new LivengException(ErrorCodes.IO, "cannot read " + p + ": " + e.getMessage(), null, e);
            }
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String line : text.split("[\\n;]")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("sbat,")) {
                continue;
            }
            String[] f = l.split(",");
            try {
                m.put(f[0], Integer.parseInt(f[1].strip()));
            } catch (RuntimeException e) {
                throw new LivengException(ErrorCodes.USAGE, "'" + l + "' is not an SBAT level line", "write component,generation e.g. grub,4");
            }
        }
        return m;
    }
}
