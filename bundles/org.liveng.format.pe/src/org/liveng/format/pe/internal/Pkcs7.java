package org.liveng.format.pe.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * PKCS #7 / CMS SignedData (RFC 2315 §9, RFC 5652 §5) assembled field by field,
 * so the bytes follow the shape UEFI tools produce: version 1, digest algorithm
 * identifiers with an explicit NULL parameter, issuer-and-serial signer
 * identifiers, {@code rsaEncryption} as the signature algorithm, every SET in DER
 * order. Bouncy Castle's generators choose other versions and parameters.
 */
public final class Pkcs7 {
    public static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
    public static final AlgorithmIdentifier RSA = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);

    private Pkcs7() {
    }

    /** RSA PKCS #1 v1.5 over SHA-256 of {@code data}; also checks that the key belongs to the certificate. */
    public static byte[] sign(PrivateKey key, X509Certificate cert, byte[] data) throws LivengException {
        if (!(key instanceof RSAKey) && !"RSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "signing key algorithm " + key.getAlgorithm()
                    + " is not supported: UEFI firmware verifies RSA signatures", "use an RSA 2048 (or larger) key");
        }
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(data);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(cert.getPublicKey());
            v.update(data);
            if (!v.verify(sig)) {
                throw new LivengException(ErrorCodes.USAGE, "the private key does not belong to the certificate "
                        + cert.getSubjectX500Principal().getName(), "pass the key that matches the certificate");
            }
            return sig;
        } catch (GeneralSecurityException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "RSA signing with the key for "
                    + cert.getSubjectX500Principal().getName() + " failed: " + e.getClass().getSimpleName(), null, e);
        }
    }

    public static Certificate certificate(X509Certificate c) throws LivengException {
        try {
            return Certificate.getInstance(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new LivengException(ErrorCodes.USAGE, "cannot encode certificate " + c.getSubjectX500Principal().getName(), null, e);
        }
    }

    /** A version 1 SignerInfo; {@code signedAttributes} may be null (the signature then covers the content itself). */
    public static SignerInfo signerInfo(X509Certificate signer, ASN1Set signedAttributes, byte[] signature) throws LivengException {
        return new SignerInfo(new SignerIdentifier(new IssuerAndSerialNumber(certificate(signer))), SHA256, signedAttributes,
                RSA, new DEROctetString(signature), null);
    }

    /**
     * The SignedData SEQUENCE: {@code version 1, {sha256}, contentInfo, [0] certificates, {signerInfo}}.
     *
     * @param content the encapsulated content, or null for detached signatures
     */
    public static DERSequence signedData(ASN1ObjectIdentifier contentType, ASN1Encodable content, List<X509Certificate> certificates,
            SignerInfo signerInfo) throws LivengException {
        ASN1EncodableVector ci = new ASN1EncodableVector();
        ci.add(contentType);
        if (content != null) {
            ci.add(new DERTaggedObject(true, 0, content));
        }
        ASN1EncodableVector certs = new ASN1EncodableVector();
        for (X509Certificate c : certificates) {
            certs.add(certificate(c));
        }
        ASN1EncodableVector sd = new ASN1EncodableVector();
        sd.add(new ASN1Integer(1));
        sd.add(new DERSet(SHA256));
        sd.add(new DERSequence(ci));
        sd.add(new DERTaggedObject(false, 0, new DERSet(certs)));
        sd.add(new DERSet(signerInfo));
        return new DERSequence(sd);
    }

    public static byte[] der(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory failed", e);
        }
    }

    /** The contents octets of a DER encoding: without its tag and length (what Authenticode digests). */
    public static byte[] contentOctets(byte[] der) {
        int lenByte = der[1] & 0xFF;
        int header = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7F);
        return java.util.Arrays.copyOfRange(der, header, der.length);
    }
}
