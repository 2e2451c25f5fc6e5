package org.liveng.format.pe;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.liveng.api.FormatException;
import org.liveng.format.pe.internal.Le;

/**
 * Authenticode for PE images (Microsoft, "Windows Authenticode Portable
 * Executable Signature Format" 1.0): the image hash, reading the signatures in
 * the certificate table, and checking them as UEFI firmware and shim do.
 *
 * <p>The image hash covers, in this order: the headers up to SizeOfHeaders
 * without the CheckSum field and without the certificate table's data
 * directory entry; each section's raw data (sections with data, in order of
 * PointerToRawData); then, if the file is longer than the bytes hashed so far
 * (SUM_OF_BYTES_HASHED), the data from that offset up to the certificate table
 * (file size minus the table's size). The certificate table is never hashed, so
 * signatures can be added and removed without changing the hash.
 */
public final class Authenticode {
    /** SPC_INDIRECT_DATA_OBJID, the content type of Authenticode SignedData. */
    public static final ASN1ObjectIdentifier SPC_INDIRECT_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.4");
    /** SPC_PE_IMAGE_DATAOBJ. */
    public static final ASN1ObjectIdentifier SPC_PE_IMAGE_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.15");
    private static final int MAX_CHAIN = 16;
    private static final Map<String, String> DIGESTS = Map.of("1.3.14.3.2.26", "SHA-1", "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384", "2.16.840.1.101.3.4.2.3", "SHA-512");

    private Authenticode() {
    }

    /** The Authenticode hash of the image with a JCA digest ("SHA-256"). */
    public static byte[] imageHash(PeImage image, String digestAlgorithm) throws FormatException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(digestAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest " + digestAlgorithm, e);
        }
        byte[] b = image.data();
        OptionalHeader opt = image.optionalHeader();
        DataDirectory cert = certificateDirectory(image);
        int checkSum = (int) opt.checkSumOffset();
        int dirEntry = (int) cert.offset();
        int headers = (int) opt.sizeOfHeaders();
        md.update(b, 0, checkSum);
        md.update(b, checkSum + 4, dirEntry - checkSum - 4);
        md.update(b, dirEntry + DataDirectory.SIZE, headers - dirEntry - DataDirectory.SIZE);
        long hashed = headers;
        List<SectionHeader> sorted = new ArrayList<>(image.sections());
        sorted.sort(Comparator.comparingLong(SectionHeader::pointerToRawData));
        for (SectionHeader s : sorted) {
            if (s.sizeOfRawData() == 0) {
                continue;
            }
            md.update(b, (int) s.pointerToRawData(), (int) s.sizeOfRawData());
            hashed += s.sizeOfRawData();
        }
        long end = b.length - cert.size();
        if (hashed < end) {
            md.update(b, (int) hashed, (int) (end - hashed));
        }
        return md.digest();
    }

    /**
     * The hash a signature of this image carries: the image hash after the 8-byte
     * alignment a signer applies before appending the certificate table (zero
     * padding, which is then hashed as trailing data; sbsign and efitools'
     * {@code hash-to-efi-sig-list} do the same). For aligned images and signed
     * images this equals {@link #imageHash}. It is the value to put in db for an
     * unsigned image that will be signed; firmware hashing the unpadded file gets
     * {@link #imageHash}.
     */
    public static byte[] imageHashAsSigned(PeImage image, String digestAlgorithm) throws FormatException {
        DataDirectory cert = certificateDirectory(image);
        if (cert.isPresent() || image.size() % 8 == 0) {
            return imageHash(image, digestAlgorithm);
        }
        byte[] padded = java.util.Arrays.copyOf(image.data(), (int) Le.align8(image.size()));
        return imageHash(PeImage.parse(padded, image.source()), digestAlgorithm);
    }

    /** The certificate table's directory entry, which must exist and, when used, end at the end of the file. */
    static DataDirectory certificateDirectory(PeImage image) throws FormatException {
        OptionalHeader opt = image.optionalHeader();
        DataDirectory cert = opt.certificateTable().orElseThrow(() -> new FormatException(opt.offset(), image.source()
                + ": optional header at offset 0x" + Long.toHexString(opt.offset()) + " has "
                + opt.dataDirectories().size() + " data directories, fewer than the 5 an Authenticode signature needs"));
        if (cert.isPresent() && cert.virtualAddress() + cert.size() != image.size()) {
            throw new FormatException(cert.offset(), image.source() + ": certificate table at file offset " + cert.virtualAddress()
                    + " (" + cert.size() + " bytes) does not end at the end of the file (" + image.size()
                    + " bytes); data after it would not be covered by the signature");
        }
        return cert;
    }

    /** The entries of the certificate table, in file order. */
    public static List<WinCertificate> certificates(PeImage image) throws FormatException {
        Optional<DataDirectory> dir = image.certificateTable();
        if (dir.isEmpty() || !dir.get().isPresent()) {
            return List.of();
        }
        byte[] b = image.data();
        long at = dir.get().virtualAddress();
        long end = at + dir.get().size();
        List<WinCertificate> out = new ArrayList<>();
        while (at < end) {
            if (end - at < WinCertificate.HEADER_SIZE) {
                throw new FormatException(at, image.source() + ": WIN_CERTIFICATE at offset 0x" + Long.toHexString(at) + ": only "
                        + (end - at) + " bytes left in the certificate table, the header needs 8");
            }
            long length = Le.u32(b, (int) at);
            if (length < WinCertificate.HEADER_SIZE || length > end - at) {
                throw new FormatException(at, image.source() + ": WIN_CERTIFICATE at offset 0x" + Long.toHexString(at)
                        + ": dwLength " + length + " is outside [8, " + (end - at) + "]");
            }
            out.add(new WinCertificate(at, length, Le.u16(b, (int) at + 4), Le.u16(b, (int) at + 6),
                    Arrays.copyOfRange(b, (int) at + WinCertificate.HEADER_SIZE, (int) (at + length))));
            at += Le.align8(length);
        }
        return List.copyOf(out);
    }

    /** The Authenticode signatures (entries of type PKCS_SIGNED_DATA); other entry types are skipped. */
    public static List<AuthenticodeSignature> signatures(PeImage image) throws FormatException {
        List<AuthenticodeSignature> out = new ArrayList<>();
        List<WinCertificate> entries = certificates(image);
        for (int i = 0; i < entries.size(); i++) {
            WinCertificate e = entries.get(i);
            if (e.certificateType() == WinCertificate.TYPE_PKCS_SIGNED_DATA) {
                out.add(parse(i, e, image.source()));
            }
        }
        return List.copyOf(out);
    }

    private static AuthenticodeSignature parse(int index, WinCertificate e, String source) throws FormatException {
        String where = source + ": signature " + index + " (WIN_CERTIFICATE at offset 0x" + Long.toHexString(e.offset()) + ")";
        try {
            CMSSignedData cms = new CMSSignedData(der(e, where));
            if (!SPC_INDIRECT_DATA.equals(cms.getSignedContentTypeOID() == null ? null
                    : new ASN1ObjectIdentifier(cms.getSignedContentTypeOID())) || cms.getSignedContent() == null) {
                throw new FormatException(e.offset(), where + ": content type is " + cms.getSignedContentTypeOID()
                        + ", expected SpcIndirectDataContent (" + SPC_INDIRECT_DATA + ")");
            }
            ASN1Sequence spc = ASN1Sequence.getInstance(cms.getSignedContent().getContent());
            ASN1Sequence digestInfo = ASN1Sequence.getInstance(spc.getObjectAt(1));
            AlgorithmIdentifier alg = AlgorithmIdentifier.getInstance(digestInfo.getObjectAt(0));
            byte[] digest = ASN1OctetString.getInstance(digestInfo.getObjectAt(1)).getOctets();
            List<X509Certificate> certs = new ArrayList<>();
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (X509CertificateHolder h : cms.getCertificates().getMatches(null)) {
                certs.add(conv.getCertificate(h));
            }
            List<Signer> signers = new ArrayList<>();
            for (SignerInformation si : cms.getSignerInfos().getSigners()) {
                X509Certificate c = signerCertificate(si, certs).orElse(null);
                Optional<java.time.Instant> time = Optional.empty();
                AttributeTable attrs = si.getSignedAttributes();
                Attribute t = attrs == null ? null : attrs.get(CMSAttributes.signingTime);
                if (t != null && t.getAttrValues().size() == 1) {
                    time = Optional.of(Time.getInstance(t.getAttrValues().getObjectAt(0)).getDate().toInstant());
                }
                String issuer = si.getSID().getIssuer() == null ? "" : new javax.security.auth.x500.X500Principal(
                        si.getSID().getIssuer().getEncoded()).getName();
                signers.add(new Signer(c == null ? "" : c.getSubjectX500Principal().getName(), issuer, si.getSID().getSerialNumber(),
                        digestName(si.getDigestAlgOID()), Optional.ofNullable(c), time));
            }
            return new AuthenticodeSignature(index, e, digestName(alg.getAlgorithm().getId()), digest, signers, certs);
        } catch (CMSException | CertificateException | java.io.IOException | RuntimeException x) {
            throw new FormatException(e.offset(), where + " is not a readable Authenticode PKCS #7: " + x.getMessage(), x);
        }
    }

    /**
     * The DER object at the start of bCertificate. Signers may pad the entry (and
     * dwLength) to 8 bytes, as Microsoft's do, so bytes after it are ignored.
     */
    private static byte[] der(WinCertificate e, String where) throws FormatException {
        byte[] c = e.certificate();
        if (c.length < 2 || c[0] != 0x30) {
            throw new FormatException(e.offset() + WinCertificate.HEADER_SIZE, where + ": bCertificate does not start with a DER SEQUENCE");
        }
        int first = c[1] & 0xFF;
        long length;
        int header;
        if (first < 0x80) {
            length = first;
            header = 2;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 4 || c.length < 2 + n) {
                throw new FormatException(e.offset() + WinCertificate.HEADER_SIZE + 1, where + ": bad DER length octet 0x"
                        + Integer.toHexString(first));
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = length << 8 | (c[2 + i] & 0xFF);
            }
            header = 2 + n;
        }
        if (header + length > c.length) {
            throw new FormatException(e.offset() + WinCertificate.HEADER_SIZE, where + ": the PKCS #7 claims " + (header + length)
                    + " bytes, the entry holds " + c.length);
        }
        return java.util.Arrays.copyOf(c, (int) (header + length));
    }

    private static String digestName(String oid) {
        return DIGESTS.getOrDefault(oid, oid);
    }

    private static Optional<X509Certificate> signerCertificate(SignerInformation si, List<X509Certificate> certs) {
        for (X509Certificate c : certs) {
            try {
                if (si.getSID().match(new X509CertificateHolder(c.getEncoded()))) {
                    return Optional.of(c);
                }
            } catch (java.io.IOException | java.security.cert.CertificateEncodingException e) {
                // a certificate that does not re-encode cannot be the signer's
            }
        }
        return Optional.empty();
    }

    /**
     * Checks one signature: the image hash against the signed digest, the CMS
     * signature of every signer, and, when {@code trustAnchors} is not empty, that
     * the first signer's chain reaches them the way UEFI firmware checks {@code db}:
     * some certificate of the chain (the signer's, then its issuers found among the
     * PKCS #7's certificates) equals an anchor or is signed by one. Validity dates
     * are ignored, as firmware has no trusted clock.
     */
    public static Verification verify(PeImage image, AuthenticodeSignature signature, Collection<X509Certificate> trustAnchors)
            throws FormatException {
        List<String> problems = new ArrayList<>();
        boolean digestOk;
        if (!DIGESTS.containsValue(signature.digestAlgorithm())) {
            problems.add("unsupported image digest algorithm " + signature.digestAlgorithm());
            digestOk = false;
        } else {
            digestOk = MessageDigest.isEqual(imageHash(image, signature.digestAlgorithm()), signature.imageDigest());
            if (!digestOk) {
                problems.add("the image hash does not match the digest signed in signature " + signature.index());
            }
        }
        boolean sigOk = true;
        X509Certificate first = null;
        try {
            CMSSignedData cms = new CMSSignedData(der(signature.entry(), "signature " + signature.index()));
            List<SignerInformation> sis = new ArrayList<>(cms.getSignerInfos().getSigners());
            if (sis.isEmpty()) {
                sigOk = false;
                problems.add("signature " + signature.index() + " has no SignerInfo");
            }
            for (SignerInformation si : sis) {
                Optional<X509Certificate> c = signerCertificate(si, signature.certificates());
                if (c.isEmpty()) {
                    sigOk = false;
                    problems.add("the signer's certificate (serial " + si.getSID().getSerialNumber().toString(16) + ") is not in the PKCS #7");
                    continue;
                }
                if (first == null) {
                    first = c.get();
                }
                if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(c.get()))) {
                    sigOk = false;
                    problems.add("the CMS signature of " + c.get().getSubjectX500Principal().getName() + " is invalid");
                }
            }
        } catch (CMSException | OperatorCreationException | FormatException | RuntimeException e) {
            sigOk = false;
            problems.add("the CMS signature of signature " + signature.index() + " does not verify: " + e.getMessage());
        }
        boolean trusted = false;
        if (!trustAnchors.isEmpty()) {
            trusted = first != null && chainsTo(first, signature.certificates(), trustAnchors);
            if (!trusted) {
                problems.add("no certificate of the signer's chain is, or is signed by, a trust anchor");
            }
        }
        return new Verification(digestOk, sigOk, !trustAnchors.isEmpty(), trusted, problems);
    }

    static boolean chainsTo(X509Certificate signer, List<X509Certificate> pool, Collection<X509Certificate> anchors) {
        X509Certificate current = signer;
        for (int depth = 0; depth < MAX_CHAIN && current != null; depth++) {
            for (X509Certificate a : anchors) {
                if (a.equals(current) || signedBy(current, a)) {
                    return true;
                }
            }
            X509Certificate next = null;
            for (X509Certificate p : pool) {
                if (!p.equals(current) && signedBy(current, p)) {
                    next = p;
                    break;
                }
            }
            current = next;
        }
        return false;
    }

    private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            c.verify(issuer.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
