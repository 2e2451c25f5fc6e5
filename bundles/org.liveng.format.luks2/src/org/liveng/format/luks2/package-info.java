/**
 * LUKS2 containers in pure Java: create, open, unlock, read and write the
 * plaintext ({@code aes-xts-plain64}), manage keyslots, back up and restore
 * the header, dump it; plus the pieces LUKS1 shares (AES-XTS, the
 * anti-forensic splitter, KDFs, the plaintext channel).
 *
 * <p>Spec: LUKS2 On-Disk Format Specification (cryptsetup, version 1.1.x);
 * LUKS1 On-Disk Format Specification 1.2.3 for the anti-forensic splitter;
 * IEEE Std 1619-2007 for XTS.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.luks2;
