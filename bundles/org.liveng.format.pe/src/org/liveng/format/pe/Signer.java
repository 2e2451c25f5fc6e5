package org.liveng.format.pe;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * One SignerInfo of a signature: who signed (names in RFC 2253 form), with which
 * digest, and the signing time when the signer included one.
 *
 * @param certificate the signer's certificate when the PKCS #7 carries it
 */
public record Signer(String subject, String issuer, BigInteger serial, String digestAlgorithm,
        Optional<X509Certificate> certificate, Optional<Instant> signingTime) {
}
