package org.liveng.format.efivar;

/**
 * EFI_SIGNATURE_DATA (UEFI 2.10 §32.4.1): {@code SignatureOwner EFI_GUID,
 * SignatureData[SignatureSize - 16]}.
 */
public record EfiSignatureData(EfiGuid owner, byte[] data) {
    public EfiSignatureData {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
