/**
 * LUKS1 containers with {@code aes-xts-plain64}: create, open, unlock and the
 * plaintext channel, built on the XTS, anti-forensic splitter and PBKDF2 of
 * {@link org.liveng.format.luks2}.
 *
 * <p>Spec: LUKS1 On-Disk Format Specification 1.2.3.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.luks1;
