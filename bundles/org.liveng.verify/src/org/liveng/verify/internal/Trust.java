package org.liveng.verify.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.efivar.AuthenticatedVariable;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureData;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.format.pe.PeImage;
import org.liveng.keys.KeyFiles;
import org.liveng.keys.MicrosoftCertificates;

/**
 * A signature database as firmware or shim holds it (db, MokList, dbx): X.509 certificates and
 * SHA-256 Authenticode image hashes, read from EFI signature lists, {@code .auth} updates,
 * certificates (PEM/DER) or the Microsoft UEFI CAs carried by Debian's Microsoft-signed shim.
 *
 * @param name what it is, for reports ("db: microsoft")
 */
public record Trust(String name, List<X509Certificate> certificates, Set<String> sha256) {
    /** Debian's {@code shim-signed}: its signatures carry Microsoft's UEFI CA 2011 and 2023 certificates. */
    public static final Path SHIM_SIGNED = Path.of("/usr/lib/shim/shimx64.efi.signed");

    public Trust {
        certificates = List.copyOf(certificates);
        sha256 = Set.copyOf(sha256);
    }

    public static Trust empty(String name) {
        return new Trust(name, List.of(), Set.of());
    }

    public Trust plus(Trust other, String newName) {
        List<X509Certificate> c = new ArrayList<>(certificates);
        c.addAll(other.certificates);
        Set<String> h = new LinkedHashSet<>(sha256);
        h.addAll(other.sha256);
        return new Trust(newName, c, h);
    }

    public boolean isEmpty() {
        return certificates.isEmpty() && sha256.isEmpty();
    }

    /** Microsoft's UEFI CA certificates, from the signatures of Debian's Microsoft-signed shim on this host. */
    public static Trust microsoft() throws LivengException {
        if (!Files.isRegularFile(SHIM_SIGNED)) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "Microsoft's UEFI CA certificates are taken from " + SHIM_SIGNED + ", which is missing",
                    "apt-get install shim-signed, or give --db FILE (a db signature list, .auth or certificate)");
        }
        List<X509Certificate> found;
        try {
            found = MicrosoftCertificates.fromShim(PeImage.parse(Files.readAllBytes(SHIM_SIGNED), SHIM_SIGNED.toString()));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + SHIM_SIGNED + ": " + e.getMessage(), null, e);
        }
        return new Trust("microsoft (UEFI CA 2011, 2023)", found, Set.of());
    }

    /** A db/dbx/MokList file: EFI signature lists, a signed {@code .auth} update, or one certificate (PEM or DER). */
    public static Trust read(Path file) throws LivengException {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "cannot read " + file + ": " + e.getMessage(), "give a signature list, .auth or certificate file");
        }
        try {
            return lists(file.toString(), EfiSignatureList.parse(b, file.toString()));
        } catch (FormatException notLists) {
            // next guess
        }
        try {
            AuthenticatedVariable.Update u = AuthenticatedVariable.parse(b, file.toString());
            return lists(file.toString(), EfiSignatureList.parse(u.data(), file.toString()));
        } catch (FormatException notAuth) {
            // next guess
        }
        try {
            return new Trust(file.toString(), List.of(KeyFiles.readCertificate(file)), Set.of());
        } catch (LivengException notCert) {
            throw new LivengException(ErrorCodes.FORMAT, file + " is neither EFI signature lists, an .auth update nor an X.509 certificate",
                    "give e.g. db.esl, db.auth, db.cer or db.crt");
        }
    }

    static Trust lists(String name, List<EfiSignatureList> lists) throws LivengException {
        List<X509Certificate> certs = new ArrayList<>();
        Set<String> hashes = new LinkedHashSet<>();
        for (EfiSignatureList l : lists) {
            for (EfiSignatureData d : l.signatures()) {
                if (l.signatureType().equals(EfiGuid.CERT_X509)) {
                    certs.add(certificate(d.data(), name));
                } else if (l.signatureType().equals(EfiGuid.CERT_SHA256)) {
                    hashes.add(HexFormat.of().formatHex(d.data()));
                }
            }
        }
        return new Trust(name, certs, hashes);
    }

    static X509Certificate certificate(byte[] der, String where) throws LivengException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new FormatException(0, where + " holds a damaged X.509 entry: " + e.getMessage());
        }
    }
}
