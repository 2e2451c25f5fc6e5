package org.liveng.format.efivar;

import java.io.ByteArrayOutputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.pe.internal.Le;

/**
 * EFI_SIGNATURE_LIST (UEFI 2.10 §32.4.1), the element of the PK, KEK, db and dbx
 * variables; a variable is a concatenation of lists.
 *
 * <pre>
 * 0  SignatureType        EFI_GUID   EFI_CERT_X509_GUID, EFI_CERT_SHA256_GUID, ...
 * 16 SignatureListSize    u32        whole list, header included
 * 20 SignatureHeaderSize  u32        0 for X.509 and SHA-256
 * 24 SignatureSize        u32        each EFI_SIGNATURE_DATA: 16 (owner) + data
 * 28 SignatureHeader[SignatureHeaderSize]
 *    Signatures[...]      EFI_SIGNATURE_DATA, all of SignatureSize bytes
 * </pre>
 */
public record EfiSignatureList(EfiGuid signatureType, byte[] signatureHeader, long signatureSize,
        List<EfiSignatureData> signatures) {
    public static final int HEADER_SIZE = 28;
    public static final int SHA256_SIZE = 32;

    public EfiSignatureList {
        signatureHeader = signatureHeader.clone();
        signatures = List.copyOf(signatures);
        for (EfiSignatureData d : signatures) {
            if (EfiGuid.SIZE + (long) d.data().length != signatureSize) {
                throw new IllegalArgumentException("EFI_SIGNATURE_DATA of " + d.data().length + " bytes in a list of SignatureSize "
                        + signatureSize);
            }
        }
    }

    @Override
    public byte[] signatureHeader() {
        return signatureHeader.clone();
    }

    /** A list holding one X.509 certificate (what {@code cert-to-efi-sig-list -g owner} writes). */
    public static EfiSignatureList x509(EfiGuid owner, X509Certificate certificate) throws LivengException {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new LivengException(ErrorCodes.USAGE, "cannot encode certificate " + certificate.getSubjectX500Principal().getName(), null, e);
        }
        return new EfiSignatureList(EfiGuid.CERT_X509, new byte[0], EfiGuid.SIZE + der.length, List.of(new EfiSignatureData(owner, der)));
    }

    /** A list of SHA-256 digests (Authenticode hashes of images) with one owner. */
    public static EfiSignatureList sha256(EfiGuid owner, List<byte[]> digests) {
        List<EfiSignatureData> d = new ArrayList<>();
        for (byte[] h : digests) {
            if (h.length != SHA256_SIZE) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + h.length);
            }
            d.add(new EfiSignatureData(owner, h));
        }
        return new EfiSignatureList(EfiGuid.CERT_SHA256, new byte[0], EfiGuid.SIZE + SHA256_SIZE, d);
    }

    public byte[] encode() {
        long size = HEADER_SIZE + signatureHeader.length + signatureSize * signatures.size();
        byte[] b = new byte[Math.toIntExact(size)];
        signatureType.write(b, 0);
        Le.put32(b, 16, size);
        Le.put32(b, 20, signatureHeader.length);
        Le.put32(b, 24, signatureSize);
        System.arraycopy(signatureHeader, 0, b, HEADER_SIZE, signatureHeader.length);
        int at = HEADER_SIZE + signatureHeader.length;
        for (EfiSignatureData d : signatures) {
            d.owner().write(b, at);
            byte[] data = d.data();
            System.arraycopy(data, 0, b, at + EfiGuid.SIZE, data.length);
            at += (int) signatureSize;
        }
        return b;
    }

    /** The variable content: the lists one after another. */
    public static byte[] concat(List<EfiSignatureList> lists) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (EfiSignatureList l : lists) {
            o.writeBytes(l.encode());
        }
        return o.toByteArray();
    }

    /** Parses a variable's content (zero or more lists). */
    public static List<EfiSignatureList> parse(byte[] b, String source) throws FormatException {
        List<EfiSignatureList> out = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            if (b.length - at < HEADER_SIZE) {
                throw new FormatException(at, source + ": EFI_SIGNATURE_LIST at offset " + at + ": " + (b.length - at)
                        + " bytes left, the header needs " + HEADER_SIZE);
            }
            EfiGuid type = EfiGuid.read(b, at);
            long listSize = Le.u32(b, at + 16);
            long headerSize = Le.u32(b, at + 20);
            long sigSize = Le.u32(b, at + 24);
            String where = source + ": EFI_SIGNATURE_LIST at offset " + at;
            if (listSize < HEADER_SIZE + headerSize || listSize > b.length - at) {
                throw new FormatException(at + 16, where + ": SignatureListSize " + listSize + " is outside ["
                        + (HEADER_SIZE + headerSize) + ", " + (b.length - at) + "]");
            }
            long body = listSize - HEADER_SIZE - headerSize;
            if (sigSize < EfiGuid.SIZE || body % sigSize != 0) {
                throw new FormatException(at + 24, where + ": SignatureSize " + sigSize + " is below 16 or does not divide the "
                        + body + " bytes of signatures");
            }
            if (type.equals(EfiGuid.CERT_SHA256) && sigSize != EfiGuid.SIZE + SHA256_SIZE) {
                throw new FormatException(at + 24, where + ": EFI_CERT_SHA256 list with SignatureSize " + sigSize + ", expected 48");
            }
            byte[] header = java.util.Arrays.copyOfRange(b, at + HEADER_SIZE, (int) (at + HEADER_SIZE + headerSize));
            List<EfiSignatureData> sigs = new ArrayList<>();
            for (long s = at + HEADER_SIZE + headerSize; s < at + listSize; s += sigSize) {
                sigs.add(new EfiSignatureData(EfiGuid.read(b, (int) s),
                        java.util.Arrays.copyOfRange(b, (int) s + EfiGuid.SIZE, (int) (s + sigSize))));
            }
            out.add(new EfiSignatureList(type, header, sigSize, sigs));
            at += (int) listSize;
        }
        return List.copyOf(out);
    }
}
