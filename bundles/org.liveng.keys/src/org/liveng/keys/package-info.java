/**
 * Secure Boot key management: key directories (PEM PKCS #8 keys 0600, X.509 certificates), self-signed
 * certificates for PK, KEK, db and MOK, PKCS #11 tokens and secret references.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.keys;
