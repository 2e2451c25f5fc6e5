package org.liveng.shell.internal;


import org.apache.felix.service.command.Converter;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.distro.KernelInfo;
import org.osgi.service.component.annotations.Component;

/** Renders liveng's result records as text for people (the shell and the command line). */
@Component(service = Converter.class)
public final class ReportConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof DistroInfo d && level == Converter.INSPECT) {
            return render(d);
        }
        if (target instanceof org.liveng.api.plan.ImagePlan p && level == Converter.INSPECT) {
            return render(p);
        }
        if (target instanceof org.liveng.api.plan.ForgeResult r && level == Converter.INSPECT) {
            return render(r.plan()) + String.format("%nwritten and verified in %.1f s; manifest: %s", r.seconds(), r.manifest());
        }
        return null;
    }

    static String render(DistroInfo d) {
        StringBuilder sb = new StringBuilder();
        row(sb, "Distro", d.name().isEmpty() ? d.family() : d.name());
        row(sb, "Provider", d.provider());
        row(sb, "Release", (d.release().isEmpty() ? "unknown" : d.release()) + (d.version().isEmpty() ? "" : " (" + d.version() + ")"));
        row(sb, "Architecture", d.architecture().isEmpty() ? "unknown" : d.architecture());
        row(sb, "Volume id", d.volumeId());
        row(sb, "Volume UUID", d.volumeUuid());
        row(sb, "Size", bytes(d.size()));
        row(sb, "Root filesystem", d.rootFilesystem() + " (" + bytes(d.rootFilesystemSize()) + ")");
        sb.append("Kernels:\n");
        for (KernelInfo k : d.kernels()) {
            InitrdInfo i = k.initrd();
            sb.append("  ").append(k.version()).append('\n');
            sb.append("    kernel      ").append(k.kernelPath()).append(" (").append(bytes(k.kernelSize())).append(")\n");
            sb.append("    initrd      ").append(k.initrdPath()).append(" (").append(bytes(i.size())).append(", ")
                    .append(String.join(" + ", i.segments())).append(", ").append(i.entries()).append(" entries)\n");
            sb.append("    live-boot   ").append(i.liveBoot() ? "yes" + (i.liveBootVersion().isEmpty() ? "" : " " + i.liveBootVersion()) : "NO").append('\n');
            sb.append("    cryptsetup  ").append(i.cryptsetup() ? "yes" : "no").append('\n');
            sb.append("    dm-crypt    ").append(i.dmCrypt() ? "yes" : "no").append('\n');
            sb.append("    encrypted persistence ").append(i.encryptionReady() ? "possible" : "NOT possible with this initrd").append('\n');
        }
        sb.append("Boot equipment:\n");
        sb.append("  isolinux    ").append(orNone(d.boot().isolinux())).append('\n');
        sb.append("  GRUB config ").append(orNone(d.boot().grubConfig())).append('\n');
        sb.append("  EFI image   ").append(orNone(d.boot().efiImage())).append('\n');
        sb.append("  EFI files   ").append(d.boot().efiFiles().isEmpty() ? "none" : String.join(", ", d.boot().efiFiles())).append('\n');
        sb.append("  El Torito   ").append(d.boot().elTorito().isEmpty() ? "none" : String.join("; ", d.boot().elTorito())).append('\n');
        sb.append("  hybrid MBR  ").append(d.boot().hybridMbr() ? "yes" : "no").append('\n');
        row(sb, "Checksums", d.checksumFiles().isEmpty() ? "none" : String.join(", ", d.checksumFiles()));
        for (String w : d.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    static String render(org.liveng.api.plan.ImagePlan p) {
        StringBuilder sb = new StringBuilder();
        sb.append("Image:  ").append(p.target()).append(" (").append(bytes(p.sizeBytes())).append(", GPT disk GUID ").append(p.diskGuid()).append(")\n");
        sb.append(String.format("%-17s %12s %12s %10s  %-8s %-24s %s%n", "partition", "first LBA", "last LBA", "size", "fs", "fs UUID", "content"));
        for (var part : p.partitions()) {
            sb.append(String.format("%-17s %12d %12d %10s  %-8s %-24s %s%n", part.name(), part.firstLba(), part.lastLba(),
                    bytes(part.sizeBytes()), part.filesystem(), part.filesystemUuid(), part.content()));
        }
        for (String n : p.notes()) {
            sb.append(n).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-16s %s%n", key + ":", value));
    }

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB" };
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

}
