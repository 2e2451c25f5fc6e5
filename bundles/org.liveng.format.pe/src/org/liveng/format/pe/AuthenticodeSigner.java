package org.liveng.format.pe;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.pe.internal.Le;
import org.liveng.format.pe.internal.Pkcs7;

/**
 * Signs PE images for UEFI Secure Boot: an Authenticode PKCS #7 SignedData
 * (content SpcIndirectDataContent with SPC_PE_IMAGE_DATAOBJ and the SHA-256 image
 * hash; signed attributes contentType, optional signingTime, messageDigest,
 * optional S/MIME capabilities; RSA PKCS #1 v1.5) in a WIN_CERTIFICATE
 * (revision 2.0, PKCS_SIGNED_DATA) appended to the file, 8-byte aligned and zero
 * padded, with the certificate table directory entry and optionally the CheckSum
 * updated. The structure is the one sbsign writes.
 */
public final class AuthenticodeSigner {
    private static final String OBSOLETE = "<<<Obsolete>>>";

    private AuthenticodeSigner() {
    }

    /**
     * A signed copy of {@code image}.
     *
     * @param chain the signer's certificate first, then any intermediates to include
     */
    public static PeImage sign(PeImage image, PrivateKey key, List<X509Certificate> chain, SignOptions options)
            throws LivengException {
        if (chain.isEmpty()) {
            throw new LivengException(ErrorCodes.USAGE, "signing " + image.source() + " needs the signer's certificate");
        }
        DataDirectory dir = Authenticode.certificateDirectory(image);
        byte[] old = image.data();
        byte[] keptTable = new byte[0];
        int base = old.length;
        if (dir.isPresent()) {
            base = (int) dir.virtualAddress();
            if (options.mode() == SignOptions.Mode.APPEND) {
                Authenticode.certificates(image); // the old table must be well formed
                if (base % 8 != 0) {
                    throw new FormatException(dir.offset(), image.source() + ": certificate table at file offset " + base
                            + " is not 8-byte aligned; appending would change the hash its signatures cover");
                }
                keptTable = Arrays.copyOfRange(old, base, base + (int) dir.size());
                if (keptTable.length % 8 != 0) {
                    keptTable = Arrays.copyOf(keptTable, (int) Le.align8(keptTable.length));
                }
            }
        }
        // the unsigned body, zero padded to 8 bytes so the table that follows is aligned (padding is hashed)
        byte[] body = Arrays.copyOf(old, (int) Le.align8(base));
        Le.put32(body, (int) dir.offset(), 0);
        Le.put32(body, (int) dir.offset() + 4, 0);
        byte[] hash = Authenticode.imageHash(PeImage.parse(body, image.source()), "SHA-256");

        byte[] pkcs7 = pkcs7(hash, key, chain, options);
        long entryLength = WinCertificate.HEADER_SIZE + (long) pkcs7.length;
        long tableSize = keptTable.length + Le.align8(entryLength);
        if (body.length + tableSize > PeImage.MAX_SIZE) {
            throw new LivengException(ErrorCodes.USAGE, image.source() + ": the signed image would exceed " + PeImage.MAX_SIZE + " bytes");
        }
        byte[] out = Arrays.copyOf(body, (int) (body.length + tableSize));
        System.arraycopy(keptTable, 0, out, body.length, keptTable.length);
        int entry = body.length + keptTable.length;
        Le.put32(out, entry, entryLength);
        Le.put16(out, entry + 4, WinCertificate.REVISION_2_0);
        Le.put16(out, entry + 6, WinCertificate.TYPE_PKCS_SIGNED_DATA);
        System.arraycopy(pkcs7, 0, out, entry + WinCertificate.HEADER_SIZE, pkcs7.length);
        Le.put32(out, (int) dir.offset(), body.length);
        Le.put32(out, (int) dir.offset() + 4, tableSize);
        int checkSum = (int) image.optionalHeader().checkSumOffset();
        if (options.updateCheckSum()) {
            Le.put32(out, checkSum, PeChecksum.compute(out, checkSum));
        }
        return PeImage.parse(out, image.source());
    }

    /** The DER ContentInfo (signedData) for an image hash: what goes into bCertificate. */
    static byte[] pkcs7(byte[] imageHash, PrivateKey key, List<X509Certificate> chain, SignOptions options) throws LivengException {
        X509Certificate signer = chain.get(0);
        DERSequence spc = spcIndirectDataContent(imageHash);
        byte[] digest = sha256(Pkcs7.contentOctets(Pkcs7.der(spc)));

        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(new Attribute(CMSAttributes.contentType, new DERSet(Authenticode.SPC_INDIRECT_DATA)));
        if (options.signingTime() != null) {
            attrs.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(options.signingTime())))));
        }
        attrs.add(new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString(digest))));
        if (options.smimeCapabilities()) {
            attrs.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_smimeCapabilities, new DERSet(opensslCapabilities())));
        }
        DERSet signedAttributes = new DERSet(attrs);
        byte[] signature = Pkcs7.sign(key, signer, Pkcs7.der(signedAttributes));
        DERSequence signedData = Pkcs7.signedData(Authenticode.SPC_INDIRECT_DATA, spc, chain,
                Pkcs7.signerInfo(signer, signedAttributes, signature));
        ASN1EncodableVector ci = new ASN1EncodableVector();
        ci.add(CMSObjectIdentifiers.signedData);
        ci.add(new DERTaggedObject(true, 0, signedData));
        return Pkcs7.der(new DERSequence(ci));
    }

    /**
     * SpcIndirectDataContent: {@code SEQUENCE { SEQUENCE { SPC_PE_IMAGE_DATAOBJ,
     * SpcPeImageData { flags '', file [0] SpcLink.file [2] SpcString.unicode [0] "<<<Obsolete>>>" } },
     * DigestInfo { sha256, hash } }}.
     */
    static DERSequence spcIndirectDataContent(byte[] imageHash) {
        ASN1EncodableVector peImageData = new ASN1EncodableVector();
        peImageData.add(new DERBitString(new byte[0]));
        peImageData.add(new DERTaggedObject(true, 0, new DERTaggedObject(true, 2, new DERTaggedObject(false, 0,
                new DERBMPString(OBSOLETE)))));
        ASN1EncodableVector data = new ASN1EncodableVector();
        data.add(Authenticode.SPC_PE_IMAGE_DATA);
        data.add(new DERSequence(peImageData));
        ASN1EncodableVector digestInfo = new ASN1EncodableVector();
        digestInfo.add(Pkcs7.SHA256);
        digestInfo.add(new DEROctetString(imageHash));
        ASN1EncodableVector spc = new ASN1EncodableVector();
        spc.add(new DERSequence(data));
        spc.add(new DERSequence(digestInfo));
        return new DERSequence(spc);
    }

    /** The SMIMECapabilities value OpenSSL's PKCS7_sign adds by default (RFC 8551 §2.5.2). */
    private static DERSequence opensslCapabilities() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERSequence(NISTObjectIdentifiers.id_aes256_CBC));
        v.add(new DERSequence(NISTObjectIdentifiers.id_aes192_CBC));
        v.add(new DERSequence(NISTObjectIdentifiers.id_aes128_CBC));
        v.add(new DERSequence(PKCSObjectIdentifiers.des_EDE3_CBC));
        for (int bits : new int[] {128, 64}) {
            v.add(new DERSequence(new ASN1Encodable[] {PKCSObjectIdentifiers.RC2_CBC, new ASN1Integer(bits)}));
        }
        v.add(new DERSequence(OIWObjectIdentifiers.desCBC));
        v.add(new DERSequence(new ASN1Encodable[] {PKCSObjectIdentifiers.RC2_CBC, new ASN1Integer(40)}));
        return new DERSequence(v);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
