package org.liveng.testing.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;

/**
 * The test's own Secure Boot keys (PK, KEK, db: self-signed RSA-2048 certificates made with openssl,
 * private keys 0600 in a 0700 folder) and OVMF variable stores with them enrolled without any
 * interaction: efitools' {@code cert-to-efi-sig-list} and {@code flash-var} write db, then KEK, then
 * PK into a copy of the empty {@code OVMF_VARS_4M.fd}. Writing the flash directly needs no signed
 * {@code .auth} updates. Optionally Microsoft's db entries (taken from {@code OVMF_VARS_4M.ms.fd})
 * are enrolled next to the own db certificate, so Microsoft-signed shims boot too.
 */
public final class SecureBootKeys {
    /** The three key roles. */
    public enum Role {
        PK, KEK, DB;

        String fileStem() {
            return name().toLowerCase(Locale.ROOT);
        }

        String variable() {
            return this == DB ? "db" : name();
        }
    }

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);

    /** The vendor GUID of shim's and PreLoader's MokList (SHIM_LOCK_GUID). */
    public static final UUID SHIM_LOCK = UUID.fromString("605dab50-e046-4300-abb6-3dd810dd8b23");

    private final Path dir;
    private final UUID owner;
    private final byte[] mokList;

    private SecureBootKeys(Path dir, UUID owner, byte[] mokList) {
        this.dir = dir;
        this.owner = owner;
        this.mokList = mokList;
    }

    private SecureBootKeys(Path dir, UUID owner) {
        this(dir, owner, null);
    }

    /**
     * These keys, and a MokList variable holding {@code signatureLists} (EFI_SIGNATURE_LISTs, e.g. the
     * SHA-256 hashes HashTool would enrol) in every store {@link #createVars} writes: non-volatile and
     * boot-services only, as PreLoader and shim require (they ignore a MokList the OS could have written).
     */
    public SecureBootKeys withMokList(byte[] signatureLists) throws IOException {
        OvmfVars.signatures(signatureLists);
        return new SecureBootKeys(dir, owner, signatureLists.clone());
    }

    /**
     * Makes PK, KEK and db keys and certificates in {@code dir} (created 0700 if missing) and their
     * EFI signature lists, all owned by one random GUID.
     */
    public static SecureBootKeys generate(Path dir) throws IOException, LivengException {
        HostTools.requireEfitools();
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        SecureBootKeys k = new SecureBootKeys(dir, UUID.randomUUID());
        for (Role r : Role.values()) {
            Path key = k.privateKey(r);
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PRIVATE));
            HostTools.RUNNER.run(Command.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                    "-days", "3650", "-subj", "/CN=liveng test " + r.name() + " " + k.owner + "/",
                    "-keyout", key.toString(), "-out", k.certificate(r).toString())
                    .fromPackage("openssl").timeout(TOOL_TIMEOUT));
            Files.setPosixFilePermissions(key, PRIVATE);
            HostTools.RUNNER.run(Command.of("cert-to-efi-sig-list", "-g", k.owner.toString(), k.certificate(r).toString(),
                    k.signatureList(r).toString()).fromPackage("efitools").timeout(TOOL_TIMEOUT));
        }
        return k;
    }

    /**
     * Keys made elsewhere (by liveng's key folder): {@code dir} holds {@code pk.esl}, {@code kek.esl} and
     * {@code db.esl} (and the certificates); nothing is generated.
     */
    public static SecureBootKeys existing(Path dir, UUID owner) {
        return new SecureBootKeys(dir, owner);
    }

    /** The folder holding keys, certificates and signature lists. */
    public Path directory() {
        return dir;
    }

    /** The owner GUID of every own signature list entry. */
    public UUID owner() {
        return owner;
    }

    /** The PEM private key (mode 0600). */
    public Path privateKey(Role role) {
        return dir.resolve(role.fileStem() + ".key");
    }

    /** The PEM certificate. */
    public Path certificate(Role role) {
        return dir.resolve(role.fileStem() + ".crt");
    }

    /** The EFI_SIGNATURE_LIST holding the certificate. */
    public Path signatureList(Role role) {
        return dir.resolve(role.fileStem() + ".esl");
    }

    /** The DER bytes of a certificate (what the signature list and the variable store hold). */
    public byte[] certificateDer(Role role) throws IOException {
        String pem = Files.readString(certificate(role), StandardCharsets.US_ASCII);
        int b = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int e = pem.indexOf("-----END CERTIFICATE-----");
        if (b < 0 || e < b) {
            throw new IOException(certificate(role) + " is not a PEM certificate");
        }
        String body = pem.substring(b + "-----BEGIN CERTIFICATE-----".length(), e).replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /**
     * Writes an OVMF variable store with these keys enrolled (db, then KEK, then PK; the store leaves
     * setup mode and Secure Boot is enforced) to {@code target}, based on the empty
     * {@code OVMF_VARS_4M.fd}. With {@code withMicrosoftDb} the db also holds Microsoft's db entries.
     */
    public Path createVars(Path target, boolean withMicrosoftDb) throws IOException, LivengException {
        HostTools.requireEfitools();
        Files.copy(Firmware.OVMF_VARS_EMPTY, target, StandardCopyOption.REPLACE_EXISTING);
        Path db = signatureList(Role.DB);
        if (withMicrosoftDb) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(Files.readAllBytes(db));
            both.write(microsoftDb());
            db = dir.resolve("db-with-microsoft.esl");
            Files.write(db, both.toByteArray());
        }
        flash(target, Role.DB.variable(), db);
        flash(target, Role.KEK.variable(), signatureList(Role.KEK));
        flash(target, Role.PK.variable(), signatureList(Role.PK));
        if (mokList != null) {
            OvmfVars.append(target, "MokList", SHIM_LOCK, OvmfVars.NON_VOLATILE | OvmfVars.BOOTSERVICE_ACCESS, mokList);
        }
        return target;
    }

    /** The db entries (EFI signature lists) of {@code OVMF_VARS_4M.ms.fd}: Microsoft's certificates. */
    public static byte[] microsoftDb() throws IOException {
        HostTools.requireFile(Firmware.OVMF_VARS_MS, "ovmf");
        byte[] data = OvmfVars.read(Firmware.OVMF_VARS_MS).db().orElseThrow(() -> new IOException(
                Firmware.OVMF_VARS_MS + " has no db variable")).data();
        if (OvmfVars.signatures(data).isEmpty()) {
            throw new IOException("the db of " + Firmware.OVMF_VARS_MS + " holds no signature");
        }
        return data;
    }

    private static void flash(Path vars, String variable, Path esl) throws LivengException {
        HostTools.RUNNER.run(Command.of("flash-var", vars.toString(), variable, esl.toString())
                .fromPackage("efitools").timeout(TOOL_TIMEOUT));
    }
}
