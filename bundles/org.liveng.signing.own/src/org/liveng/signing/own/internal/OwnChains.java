package org.liveng.signing.own.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.signing.ChainRequest;

/** What the own-key chains share: the ESP paths, the distro's binaries, kernel signing, instruction files. */
final class OwnChains {
    static final String SHIM = "shim";
    static final String GRUB = "grub";
    static final String MOK_MANAGER = "mokmanager";
    static final String BOOT = "/EFI/BOOT/BOOTX64.EFI";
    static final String GRUB_PATH = "/EFI/BOOT/grubx64.efi";
    static final String MOK_MANAGER_PATH = "/EFI/BOOT/mmx64.efi";
    static final String LIVENG_DIR = GrubImage.PREFIX;

    private OwnChains() {
    }

    static Content require(ChainRequest request, String role, String provider) throws LivengException {
        Content c = request.distroBinaries().get(role);
        if (c == null) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "the ISO has no " + (role.equals(SHIM) ? "shim (EFI/boot/bootx64.efi)" : role)
                    + ", which " + provider + " needs", "use an ISO with UEFI Secure Boot support (Debian's shim-signed)");
        }
        return c;
    }

    static Map<String, Content> signKernels(Map<String, Content> kernels, SigningKey key) throws LivengException {
        Map<String, Content> out = new LinkedHashMap<>();
        for (Map.Entry<String, Content> k : kernels.entrySet()) {
            out.put(k.getKey(), PeSigning.sign(k.getValue(), key, "kernel " + k.getKey()));
        }
        return out;
    }

    static FileSpec text(String path, List<String> lines) {
        return new FileSpec(path, Content.of((String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8), path));
    }

    static String fingerprint(SigningKey key) throws LivengException {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(org.liveng.keys.KeyFiles.der(key.certificate())));
        } catch (NoSuchAlgorithmException e) {
            throw new LivengException(ErrorCodes.INTERNAL, "no SHA-256", null, e);
        }
    }
}
