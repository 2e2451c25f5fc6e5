package org.liveng.signing.own.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.format.pe.AuthenticodeSigner;
import org.liveng.format.pe.PeImage;
import org.liveng.format.pe.SignOptions;

/** Authenticode signing of EFI binaries and kernels with an owner's key, and what the distro's shim carries. */
final class PeSigning {
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

    /** Microsoft's UEFI CA certificates as the Microsoft-signed shim carries them. */
    static List<X509Certificate> microsoftUefiCas(Content msSignedShim) throws LivengException {
        return org.liveng.keys.MicrosoftCertificates.fromShim(read(msSignedShim));
    }

    static String commonName(X509Certificate c) {
        return org.liveng.keys.Certificates.commonName(c);
    }
}
