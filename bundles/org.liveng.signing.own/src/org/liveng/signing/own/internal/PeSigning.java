package org.liveng.signing.own.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.format.pe.Authenticode;
import org.liveng.format.pe.AuthenticodeSignature;
import org.liveng.format.pe.AuthenticodeSigner;
import org.liveng.format.pe.PeImage;
import org.liveng.format.pe.SignOptions;

/** Authenticode signing of EFI binaries and kernels with an owner's key, and what the distro's shim carries. */
final class PeSigning {
    /** The Microsoft CAs whose certificates sit in retail PCs' db and sign shims and option ROMs. */
    static final Set<String> MICROSOFT_UEFI_CAS = Set.of("Microsoft Corporation UEFI CA 2011", "Microsoft UEFI CA 2023");

    private PeSigning() {
    }

    static PeImage read(Content c) throws LivengException {
        try (InputStream in = c.open()) {
            return PeImage.parse(in.readAllBytes(), c.describe());
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + c.describe() + ": " + e.getMessage(), null, e);
        }
    }

    /** {@code binary} signed with {@code key}, replacing every signature it had (firmware and shim see only ours). */
    static Content sign(Content binary, SigningKey key, String what) throws LivengException {
        PeImage signed = AuthenticodeSigner.sign(read(binary), key.privateKey(), List.of(key.certificate()), SignOptions.defaults());
        return Content.of(signed.bytes(), what + " signed by " + key.certificate().getSubjectX500Principal().getName(X500Principal.RFC2253));
    }

    /**
     * Microsoft's UEFI CA certificates (2011 and 2023) as the Microsoft-signed shim carries them in
     * its signatures' certificate sets: the same DER that retail db variables hold.
     */
    static List<X509Certificate> microsoftUefiCas(Content msSignedShim) throws LivengException {
        Map<String, X509Certificate> found = new LinkedHashMap<>();
        for (AuthenticodeSignature s : Authenticode.signatures(read(msSignedShim))) {
            for (X509Certificate c : s.certificates()) {
                String cn = commonName(c);
                if (MICROSOFT_UEFI_CAS.contains(cn)) {
                    found.putIfAbsent(cn, c);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    static String commonName(X509Certificate c) {
        for (String part : c.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",(?=[A-Z]+=)")) {
            if (part.startsWith("CN=")) {
                return part.substring(3).replace("\\", "");
            }
        }
        return "";
    }
}
