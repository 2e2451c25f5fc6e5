package org.liveng.keys;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.keys.KeyRole;

/**
 * Self-signed X.509 v3 certificates for Secure Boot keys: SHA-256 with RSA, a random positive
 * 127-bit serial, {@code CN=<common name>, OU=<role>, O=liveng}, basicConstraints CA:FALSE (critical),
 * keyUsage digitalSignature (critical), extendedKeyUsage codeSigning for db and MOK keys (what shim
 * and sbverify expect of a code signer), subject and authority key identifiers.
 */
public final class Certificates {
    /** The default validity: 10 years. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);

    private Certificates() {
    }

    /** The certificate's first common name, or "" if it has none. */
    public static String commonName(X509Certificate c) {
        org.bouncycastle.asn1.x500.RDN[] cns = X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return cns.length == 0 ? "" : org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** The subject of a new key: the common name, the role as OU, O=liveng. */
    public static X500Name subject(KeyRole role, String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).addRDN(BCStyle.OU, role.name())
                .addRDN(BCStyle.O, "liveng").build();
    }

    /**
     * Signs a certificate for {@code publicKey} with {@code privateKey} (on a token when
     * {@code signatureProvider} is the token's provider, else the default JCA providers).
     */
    public static X509Certificate selfSigned(KeyRole role, String commonName, PublicKey publicKey, PrivateKey privateKey,
            Provider signatureProvider, Instant notBefore, Duration validity) throws LivengException {
        try {
            X500Name name = subject(role, commonName);
            BigInteger serial = new BigInteger(127, new SecureRandom()).setBit(126);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial, Date.from(notBefore),
                    Date.from(notBefore.plus(validity)), name, publicKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (role.signsCode()) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(publicKey));
            JcaContentSignerBuilder sb = new JcaContentSignerBuilder("SHA256withRSA");
            if (signatureProvider != null) {
                sb.setProvider(signatureProvider);
            }
            ContentSigner signer = sb.build(privateKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (CertIOException | OperatorCreationException | CertificateException | java.security.NoSuchAlgorithmException e) {
            throw new LivengException(ErrorCodes.INTERNAL, "cannot make the certificate of the " + role + " key: " + e.getMessage(), null, e);
        }
    }
}
