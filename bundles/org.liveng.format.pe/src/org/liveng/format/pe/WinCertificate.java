package org.liveng.format.pe;

/**
 * One entry of the attribute certificate table (PE/COFF specification, "The
 * Attribute Certificate Table (Image Only)"); entries are 8-byte aligned:
 *
 * <pre>
 * 0 dwLength          u32   length of this entry including the 8-byte header, without padding
 * 4 wRevision         u16   0x0200 (WIN_CERT_REVISION_2_0)
 * 6 wCertificateType  u16   0x0002 (WIN_CERT_TYPE_PKCS_SIGNED_DATA)
 * 8 bCertificate      dwLength - 8 bytes: a PKCS #7 ContentInfo for Authenticode
 * </pre>
 *
 * @param offset file offset of the entry
 */
public record WinCertificate(long offset, long length, int revision, int certificateType, byte[] certificate) {
    public static final int HEADER_SIZE = 8;
    public static final int REVISION_2_0 = 0x0200;
    public static final int TYPE_PKCS_SIGNED_DATA = 0x0002;

    public WinCertificate {
        certificate = certificate.clone();
    }

    @Override
    public byte[] certificate() {
        return certificate.clone();
    }
}
