package org.liveng.keys;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.liveng.api.LivengException;
import org.liveng.format.pe.Authenticode;
import org.liveng.format.pe.AuthenticodeSignature;
import org.liveng.format.pe.PeImage;

/**
 * Microsoft's UEFI CA certificates (2011 and 2023: the CAs that sign shims and option ROMs and sit in
 * retail PCs' db), taken from a Microsoft-signed shim: its signatures carry them in their certificate
 * sets, the same DER that db variables hold. Nothing is hard-coded.
 */
public final class MicrosoftCertificates {
    /** Common names of the CAs. */
    public static final Set<String> UEFI_CAS = Set.of("Microsoft Corporation UEFI CA 2011", "Microsoft UEFI CA 2023");

    private MicrosoftCertificates() {
    }

    /** The UEFI CA certificates carried by {@code shim}'s signatures, in order, each once. */
    public static List<X509Certificate> fromShim(PeImage shim) throws LivengException {
        List<X509Certificate> found = new ArrayList<>();
        for (AuthenticodeSignature s : Authenticode.signatures(shim)) {
            for (X509Certificate c : s.certificates()) {
                if (UEFI_CAS.contains(Certificates.commonName(c)) && !found.contains(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }
}
