package org.liveng.format.luks2;

import java.util.HexFormat;

/** The text layout of {@code cryptsetup luksDump} for LUKS2, so people and scripts see what they know. */
final class Luks2Dump {
    private Luks2Dump() {
    }

    static String text(Luks2BinaryHeader h, Luks2Metadata m) {
        StringBuilder sb = new StringBuilder();
        sb.append("LUKS header information\n");
        sb.append("Version:       \t").append(h.version()).append('\n');
        sb.append("Epoch:         \t").append(h.seqid()).append('\n');
        sb.append("Metadata area: \t").append(h.hdrSize()).append(" [bytes]\n");
        sb.append("Keyslots area: \t").append(m.keyslotsSize()).append(" [bytes]\n");
        sb.append("UUID:          \t").append(h.uuid()).append('\n');
        sb.append("Label:         \t").append(h.label().isEmpty() ? "(no label)" : h.label()).append('\n');
        sb.append("Subsystem:     \t").append(h.subsystem().isEmpty() ? "(no subsystem)" : h.subsystem()).append('\n');
        sb.append("Flags:       \t(no flags)\n\n");
        sb.append("Data segments:\n");
        for (Luks2Segment s : m.segments().values()) {
            sb.append("  ").append(s.id()).append(": crypt\n");
            sb.append("\toffset: ").append(s.offset()).append(" [bytes]\n");
            sb.append("\tlength: ").append(s.dynamic() ? "(whole device)" : s.size() + " [bytes]").append('\n');
            sb.append("\tcipher: ").append(s.encryption()).append('\n');
            sb.append("\tsector: ").append(s.sectorSize()).append(" [bytes]\n");
            if (s.ivTweak() != 0) {
                sb.append("\tIV tweak: ").append(s.ivTweak()).append('\n');
            }
        }
        sb.append("\nKeyslots:\n");
        for (Luks2Keyslot k : m.keyslots().values()) {
            sb.append("  ").append(k.id()).append(": luks2\n");
            sb.append("\tKey:        ").append(k.keySize() * 8).append(" bits\n");
            sb.append("\tPriority:   ").append(k.priority() == 2 ? "high" : k.priority() == 0 ? "ignored" : "normal").append('\n');
            sb.append("\tCipher:     ").append(k.areaEncryption()).append('\n');
            sb.append("\tCipher key: ").append(k.areaKeySize() * 8).append(" bits\n");
            Kdf kdf = k.kdf();
            sb.append("\tPBKDF:      ").append(kdf.type()).append('\n');
            if (kdf.isArgon2()) {
                sb.append("\tTime cost:  ").append(kdf.iterations()).append('\n');
                sb.append("\tMemory:     ").append(kdf.memoryKiB()).append('\n');
                sb.append("\tThreads:    ").append(kdf.cpus()).append('\n');
            } else {
                sb.append("\tHash:       ").append(kdf.hash()).append('\n');
                sb.append("\tIterations: ").append(kdf.iterations()).append('\n');
            }
            hex(sb, "\tSalt:       ", k.kdfSalt());
            sb.append("\tAF stripes: ").append(k.stripes()).append('\n');
            sb.append("\tAF hash:    ").append(k.afHash()).append('\n');
            sb.append("\tArea offset:").append(k.areaOffset()).append(" [bytes]\n");
            sb.append("\tArea length:").append(k.areaSize()).append(" [bytes]\n");
            sb.append("\tDigest ID:  ").append(m.digestOf(k.id()).id()).append('\n');
        }
        sb.append("Tokens:\n");
        sb.append("Digests:\n");
        for (Luks2Digest d : m.digests().values()) {
            sb.append("  ").append(d.id()).append(": pbkdf2\n");
            sb.append("\tHash:       ").append(d.hash()).append('\n');
            sb.append("\tIterations: ").append(d.iterations()).append('\n');
            hex(sb, "\tSalt:       ", d.salt());
            hex(sb, "\tDigest:     ", d.digest());
        }
        return sb.toString();
    }

    /** Hex bytes, 16 per line, each followed by a space; continuation lines indented under the first. */
    private static void hex(StringBuilder sb, String label, byte[] b) {
        sb.append(label);
        HexFormat hf = HexFormat.of();
        for (int i = 0; i < b.length; i++) {
            if (i > 0 && i % 16 == 0) {
                sb.append("\n\t            ");
            }
            sb.append(hf.toHexDigits(b[i])).append(' ');
        }
        sb.append('\n');
    }
}
