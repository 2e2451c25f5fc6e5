/**
 * PE/COFF images and their Authenticode signatures for UEFI Secure Boot: a
 * bounds-checked reader ({@link org.liveng.format.pe.PeImage}: headers, data
 * directories, sections, {@code .sbat}, CheckSum), the Authenticode image hash,
 * reading and verifying signatures ({@link org.liveng.format.pe.Authenticode}) and
 * signing ({@link org.liveng.format.pe.AuthenticodeSigner}).
 *
 * <p>Specs: Microsoft "PE Format" (PE/COFF specification) and "Windows
 * Authenticode Portable Executable Signature Format" 1.0; RFC 2315 / RFC 5652
 * for PKCS #7 SignedData.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liveng.format.pe;
