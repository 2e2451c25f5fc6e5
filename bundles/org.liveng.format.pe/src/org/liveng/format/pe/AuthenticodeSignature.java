package org.liveng.format.pe;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One Authenticode signature read from the certificate table.
 *
 * @param index            position in the certificate table (0 = first entry)
 * @param entry            the WIN_CERTIFICATE holding it
 * @param digestAlgorithm  JCA name of the image digest in the SpcIndirectDataContent ("SHA-256")
 * @param imageDigest      the image digest the signature vouches for
 * @param signers          the SignerInfos (normally one)
 * @param certificates     every certificate the PKCS #7 carries, in its order
 */
public record AuthenticodeSignature(int index, WinCertificate entry, String digestAlgorithm, byte[] imageDigest,
        List<Signer> signers, List<X509Certificate> certificates) {
    public AuthenticodeSignature {
        imageDigest = imageDigest.clone();
        signers = List.copyOf(signers);
        certificates = List.copyOf(certificates);
    }

    @Override
    public byte[] imageDigest() {
        return imageDigest.clone();
    }
}
