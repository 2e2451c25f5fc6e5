package org.liveng.keys;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.api.keys.SigningKey;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.format.efivar.AuthenticatedVariable;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.format.efivar.EfiTime;
import org.liveng.format.efivar.SecureBootVariable;

/**
 * The files that put an owner's keys into firmware (UEFI 2.10 §32.3): EFI signature lists and
 * time-based authenticated updates, PK signed by PK, KEK by PK, db by KEK (what efitools'
 * {@code sign-efi-sig-list} makes; KeyTool or a firmware menu enrols them in setup mode), plus the
 * certificates in DER for firmware menus that take certificates.
 */
public final class Enrolment {
    /** Microsoft's owner GUID in retail db and KEK entries. */
    public static final EfiGuid MICROSOFT_OWNER = EfiGuid.of("77fa9abd-0359-4d32-bd60-28f4e78f784b");

    private Enrolment() {
    }

    /**
     * The enrolment files under {@code dir} (an ESP path or a folder name): {@code PK.esl}, {@code KEK.esl},
     * {@code db.esl}, {@code PK.auth}, {@code KEK.auth}, {@code db.auth}, {@code PK.cer}, {@code KEK.cer}, {@code db.cer}.
     *
     * @param microsoftDb Microsoft's certificates to keep in db (empty: only the owner's db certificate)
     */
    public static List<FileSpec> files(String dir, EfiGuid owner, SigningKey pk, SigningKey kek, X509Certificate db,
            List<X509Certificate> microsoftDb, Instant time) throws LivengException {
        EfiTime t = EfiTime.of(time);
        byte[] pkEsl = EfiSignatureList.x509(owner, pk.certificate()).encode();
        byte[] kekEsl = EfiSignatureList.x509(owner, kek.certificate()).encode();
        List<EfiSignatureList> dbLists = new ArrayList<>();
        dbLists.add(EfiSignatureList.x509(owner, db));
        for (X509Certificate m : microsoftDb) {
            dbLists.add(EfiSignatureList.x509(MICROSOFT_OWNER, m));
        }
        byte[] dbEsl = EfiSignatureList.concat(dbLists);
        List<FileSpec> files = new ArrayList<>();
        files.add(new FileSpec(dir + "/PK.esl", Content.of(pkEsl, "PK signature list")));
        files.add(new FileSpec(dir + "/KEK.esl", Content.of(kekEsl, "KEK signature list")));
        files.add(new FileSpec(dir + "/db.esl", Content.of(dbEsl, "db signature list")));
        files.add(new FileSpec(dir + "/PK.auth", Content.of(AuthenticatedVariable.sign(SecureBootVariable.PK, false, t, pkEsl,
                pk.privateKey(), pk.certificate()), "PK update signed by PK")));
        files.add(new FileSpec(dir + "/KEK.auth", Content.of(AuthenticatedVariable.sign(SecureBootVariable.KEK, false, t, kekEsl,
                pk.privateKey(), pk.certificate()), "KEK update signed by PK")));
        files.add(new FileSpec(dir + "/db.auth", Content.of(AuthenticatedVariable.sign(SecureBootVariable.DB, false, t, dbEsl,
                kek.privateKey(), kek.certificate()), "db update signed by KEK")));
        files.add(new FileSpec(dir + "/PK.cer", Content.of(der(pk.certificate()), "PK certificate")));
        files.add(new FileSpec(dir + "/KEK.cer", Content.of(der(kek.certificate()), "KEK certificate")));
        files.add(new FileSpec(dir + "/db.cer", Content.of(der(db), "db certificate")));
        return files;
    }

    static byte[] der(X509Certificate c) throws LivengException {
        return KeyFiles.der(c);
    }
}
