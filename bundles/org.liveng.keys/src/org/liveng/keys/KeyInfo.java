package org.liveng.keys;

import java.util.List;

/**
 * What {@code keys list} and {@code keys show} report about one key.
 *
 * @param name the key's name in its directory (file stem)
 * @param role PK, KEK, DB or MOK (from the certificate's OU), or "?" for a foreign certificate
 * @param source {@code file} or {@code pkcs11}
 * @param keyReference where the private key is: a file path or a {@code pkcs11:} URI
 * @param encrypted whether the key file is passphrase-encrypted (false for tokens)
 * @param certificate the certificate file
 * @param subject the certificate subject (RFC 2253)
 * @param serial hexadecimal serial number
 * @param notBefore start of validity (ISO 8601)
 * @param notAfter end of validity (ISO 8601)
 * @param keyAlgorithm e.g. RSA
 * @param keyBits modulus size
 * @param sha256 SHA-256 fingerprint of the DER certificate
 * @param extensions readable extensions: basicConstraints, keyUsage, extendedKeyUsage
 */
public record KeyInfo(String name, String role, String source, String keyReference, boolean encrypted, String certificate,
        String subject, String serial, String notBefore, String notAfter, String keyAlgorithm, int keyBits, String sha256,
        List<String> extensions) {
    public KeyInfo {
        extensions = List.copyOf(extensions);
    }
}
