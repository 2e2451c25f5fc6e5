package org.liveng.format.efivar;

import java.util.UUID;

import org.liveng.api.FormatException;
import org.liveng.format.pe.internal.Le;

/**
 * An EFI_GUID (UEFI 2.10 Appendix A): 16 bytes whose first three fields
 * (Data1 u32, Data2 u16, Data3 u16) are little-endian and whose last 8 bytes are
 * stored as written. {@code 11111111-2222-3333-4444-123456789abc} is stored as
 * {@code 11 11 11 11 22 22 33 33 44 44 12 34 56 78 9a bc}.
 */
public record EfiGuid(UUID uuid) {
    public static final int SIZE = 16;
    /** EFI_CERT_X509_GUID: a DER X.509 certificate. */
    public static final EfiGuid CERT_X509 = of("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");
    /** EFI_CERT_SHA256_GUID: a SHA-256 digest (of a PE image's Authenticode hash, in db/dbx). */
    public static final EfiGuid CERT_SHA256 = of("c1c41626-504c-4092-aca9-41f936934328");
    /** EFI_CERT_TYPE_PKCS7_GUID: WIN_CERTIFICATE_UEFI_GUID.CertData is a PKCS #7 SignedData. */
    public static final EfiGuid CERT_TYPE_PKCS7 = of("4aafd29d-68df-49ee-8aa9-347d375665a7");
    /** EFI_GLOBAL_VARIABLE: the vendor GUID of PK and KEK. */
    public static final EfiGuid GLOBAL_VARIABLE = of("8be4df61-93ca-11d2-aa0d-00e098032b8c");
    /** EFI_IMAGE_SECURITY_DATABASE_GUID: the vendor GUID of db and dbx. */
    public static final EfiGuid IMAGE_SECURITY_DATABASE = of("d719b2cb-3d3a-4596-a3bc-dad00e67656f");

    public static EfiGuid of(String text) {
        return new EfiGuid(UUID.fromString(text));
    }

    public static EfiGuid read(byte[] b, int off) throws FormatException {
        Le.require(b, off, SIZE, "EFI_GUID");
        long d1 = Le.u32(b, off);
        long d2 = Le.u16(b, off + 4);
        long d3 = Le.u16(b, off + 6);
        long hi = d1 << 32 | d2 << 16 | d3;
        long lo = 0;
        for (int i = 8; i < 16; i++) {
            lo = lo << 8 | (b[off + i] & 0xFF);
        }
        return new EfiGuid(new UUID(hi, lo));
    }

    public void write(byte[] b, int off) {
        long hi = uuid.getMostSignificantBits();
        long lo = uuid.getLeastSignificantBits();
        Le.put32(b, off, hi >>> 32);
        Le.put16(b, off + 4, (int) (hi >>> 16));
        Le.put16(b, off + 6, (int) hi);
        for (int i = 0; i < 8; i++) {
            b[off + 8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
    }

    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        write(b, 0);
        return b;
    }

    @Override
    public String toString() {
        return uuid.toString();
    }
}
