/**
 * UEFI Secure Boot variables: EFI_SIGNATURE_LIST contents of PK, KEK, db and dbx
 * ({@link org.liveng.format.efivar.EfiSignatureList}) and time-based
 * authenticated updates, the {@code .auth} files
 * ({@link org.liveng.format.efivar.AuthenticatedVariable}), byte-compatible with
 * efitools' {@code cert-to-efi-sig-list} and {@code sign-efi-sig-list}.
 *
 * <p>Spec: UEFI 2.10 §8.2.2 (EFI_VARIABLE_AUTHENTICATION_2), §8.3 (EFI_TIME),
 * §32.4.1 (EFI_SIGNATURE_LIST), Appendix A (EFI_GUID).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.efivar;
