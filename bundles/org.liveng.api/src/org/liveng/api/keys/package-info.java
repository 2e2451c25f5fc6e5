/**
 * Secure Boot signing keys as a service: where private keys live (a file, a PKCS #11 token) and
 * how a signer gets at them without the key leaving its source.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api.keys;
