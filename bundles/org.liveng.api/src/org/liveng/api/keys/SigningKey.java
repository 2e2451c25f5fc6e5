package org.liveng.api.keys;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A private key ready to sign, with its certificate. For a token the private key is a handle:
 * signing happens on the token and the key material never reaches liveng.
 *
 * @param privateKey the key (a JCA handle; for PKCS #11 a token object)
 * @param certificate the key's X.509 certificate (what db, KEK, PK or MokList hold)
 * @param reference where it came from, safe to print (never key material)
 */
public record SigningKey(PrivateKey privateKey, X509Certificate certificate, String reference) {
    @Override
    public String toString() {
        return "SigningKey[" + reference + ", " + certificate.getSubjectX500Principal().getName() + "]";
    }
}
