package org.liveng.format.efivar;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.pe.internal.Le;
import org.liveng.format.pe.internal.Pkcs7;

/**
 * A time-based authenticated variable update (UEFI 2.10 §8.2.2), the content of
 * an {@code .auth} file: EFI_VARIABLE_AUTHENTICATION_2 followed by the new data.
 *
 * <pre>
 * 0   TimeStamp   EFI_TIME (16)
 * 16  AuthInfo    WIN_CERTIFICATE_UEFI_GUID:
 *     16 dwLength          u32   24 + CertData length
 *     20 wRevision         u16   0x0200
 *     22 wCertificateType  u16   0x0EF1 (WIN_CERT_TYPE_EFI_GUID)
 *     24 CertType          EFI_GUID  EFI_CERT_TYPE_PKCS7_GUID
 *     40 CertData          DER SignedData (no ContentInfo around it), detached
 * 16+dwLength  Data        the variable content (EFI_SIGNATURE_LISTs for PK/KEK/db/dbx)
 * </pre>
 *
 * The signature covers {@code VariableName (UTF-16LE, no NUL) || VendorGuid ||
 * Attributes (u32) || TimeStamp || Data}. It is built as efitools'
 * {@code sign-efi-sig-list} builds it (no signed attributes, the signer's
 * certificate included), so the bytes are the same for the same inputs.
 */
public final class AuthenticatedVariable {
    public static final long NON_VOLATILE = 0x1;
    public static final long BOOTSERVICE_ACCESS = 0x2;
    public static final long RUNTIME_ACCESS = 0x4;
    public static final long TIME_BASED_AUTHENTICATED_WRITE_ACCESS = 0x20;
    public static final long APPEND_WRITE = 0x40;
    public static final int WIN_CERT_TYPE_EFI_GUID = 0x0EF1;
    private static final int AUTH_INFO_HEADER = 24;

    /** A parsed .auth file. */
    public record Update(EfiTime timeStamp, byte[] signedData, byte[] data) {
        public Update {
            signedData = signedData.clone();
            data = data.clone();
        }

        @Override
        public byte[] signedData() {
            return signedData.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    private AuthenticatedVariable() {
    }

    /** The bytes the PKCS #7 signature covers. */
    public static byte[] signedPayload(String name, EfiGuid vendor, long attributes, EfiTime time, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[n.length + EfiGuid.SIZE + 4 + EfiTime.SIZE + data.length];
        System.arraycopy(n, 0, out, 0, n.length);
        vendor.write(out, n.length);
        Le.put32(out, n.length + EfiGuid.SIZE, attributes);
        System.arraycopy(time.encode(), 0, out, n.length + EfiGuid.SIZE + 4, EfiTime.SIZE);
        System.arraycopy(data, 0, out, n.length + EfiGuid.SIZE + 4 + EfiTime.SIZE, data.length);
        return out;
    }

    /** A signed update of a Secure Boot variable. */
    public static byte[] sign(SecureBootVariable var, boolean append, EfiTime time, byte[] data, PrivateKey key,
            X509Certificate signer) throws LivengException {
        return sign(var.variableName(), var.vendorGuid(), var.attributes(append), time, data, key, signer);
    }

    /** A signed update (.auth content) of any time-based authenticated variable. */
    public static byte[] sign(String name, EfiGuid vendor, long attributes, EfiTime time, byte[] data, PrivateKey key,
            X509Certificate signer) throws LivengException {
        byte[] signature = Pkcs7.sign(key, signer, signedPayload(name, vendor, attributes, time, data));
        byte[] p7 = Pkcs7.der(Pkcs7.signedData(CMSObjectIdentifiers.data, null, List.of(signer),
                Pkcs7.signerInfo(signer, null, signature)));
        byte[] out = new byte[EfiTime.SIZE + AUTH_INFO_HEADER + p7.length + data.length];
        System.arraycopy(time.encode(), 0, out, 0, EfiTime.SIZE);
        Le.put32(out, 16, AUTH_INFO_HEADER + p7.length);
        Le.put16(out, 20, 0x0200);
        Le.put16(out, 22, WIN_CERT_TYPE_EFI_GUID);
        EfiGuid.CERT_TYPE_PKCS7.write(out, 24);
        System.arraycopy(p7, 0, out, EfiTime.SIZE + AUTH_INFO_HEADER, p7.length);
        System.arraycopy(data, 0, out, EfiTime.SIZE + AUTH_INFO_HEADER + p7.length, data.length);
        return out;
    }

    public static Update parse(byte[] auth, String source) throws FormatException {
        Le.require(auth, 0, EfiTime.SIZE + AUTH_INFO_HEADER, source + ": EFI_VARIABLE_AUTHENTICATION_2");
        EfiTime t = EfiTime.read(auth, 0);
        long length = Le.u32(auth, 16);
        if (length < AUTH_INFO_HEADER || length > auth.length - EfiTime.SIZE) {
            throw new FormatException(16, source + ": WIN_CERTIFICATE_UEFI_GUID at offset 16: dwLength " + length
                    + " is outside [24, " + (auth.length - EfiTime.SIZE) + "]");
        }
        int type = Le.u16(auth, 22);
        if (Le.u16(auth, 20) != 0x0200 || type != WIN_CERT_TYPE_EFI_GUID) {
            throw new FormatException(20, source + ": WIN_CERTIFICATE_UEFI_GUID at offset 16: expected revision 0x0200 and type 0x0EF1, found 0x"
                    + Integer.toHexString(Le.u16(auth, 20)) + " and 0x" + Integer.toHexString(type));
        }
        EfiGuid certType = EfiGuid.read(auth, 24);
        if (!certType.equals(EfiGuid.CERT_TYPE_PKCS7)) {
            throw new FormatException(24, source + ": CertType at offset 24 is " + certType + ", expected EFI_CERT_TYPE_PKCS7_GUID "
                    + EfiGuid.CERT_TYPE_PKCS7);
        }
        int end = (int) (EfiTime.SIZE + length);
        return new Update(t, Arrays.copyOfRange(auth, EfiTime.SIZE + AUTH_INFO_HEADER, end), Arrays.copyOfRange(auth, end, auth.length));
    }

    /** Whether {@code update} is a valid signature by {@code signer} for the named variable and attributes. */
    public static boolean verify(Update update, String name, EfiGuid vendor, long attributes, X509Certificate signer)
            throws FormatException {
        byte[] payload = signedPayload(name, vendor, attributes, update.timeStamp(), update.data());
        try {
            ContentInfo ci = new ContentInfo(CMSObjectIdentifiers.signedData, ASN1Sequence.getInstance(update.signedData()));
            CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(payload), ci);
            for (SignerInformation si : cms.getSignerInfos().getSigners()) {
                if (si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                    return true;
                }
            }
            return false;
        } catch (CMSException | OperatorCreationException e) {
            return false;
        } catch (RuntimeException e) {
            throw new FormatException(EfiTime.SIZE + AUTH_INFO_HEADER, "the PKCS #7 of the authenticated variable is not readable: "
                    + e.getMessage(), e);
        }
    }
}
