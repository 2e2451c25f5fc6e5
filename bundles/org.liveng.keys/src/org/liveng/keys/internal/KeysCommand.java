package org.liveng.keys.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.keys.KeyDirectory;
import org.liveng.keys.KeyFiles;
import org.liveng.keys.KeyInfo;
import org.liveng.keys.Pkcs11Token;
import org.liveng.keys.Pkcs11Uri;
import org.liveng.keys.SecretReferences;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.GsonBuilder;

/** {@code keys:create|list|show|export|rotate}: Secure Boot keys (PK, KEK, db, MOK) in a key folder or on a token. */
@Component(service = KeysCommand.class, property = {
        "osgi.command.scope=keys",
        "osgi.command.function=create",
        "osgi.command.function=list",
        "osgi.command.function=show",
        "osgi.command.function=export",
        "osgi.command.function=rotate",
        "osgi.command.function=auth" })
public final class KeysCommand {
    private final ProcessRunner runner;

    @Activate
    public KeysCommand(@Reference ProcessRunner runner) {
        this.runner = runner;
    }

    @Descriptor("create Secure Boot keys and self-signed certificates: pk, kek, db, mok or all")
    public Object create(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("RSA modulus size: 2048 (default, every firmware), 3072 or 4096")
            @Parameter(names = { "-b", "--bits" }, absentValue = "2048") int bits,
            @Descriptor("key name (default: the role, e.g. db); only with one role")
            @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("certificate common name (default: liveng <role title> <year>)")
            @Parameter(names = { "--cn" }, absentValue = "") String cn,
            @Descriptor("certificate validity in days")
            @Parameter(names = { "--days" }, absentValue = "3650") int days,
            @Descriptor("encrypt the private keys with a passphrase typed at the terminal")
            @Parameter(names = { "-e", "--encrypt" }, presentValue = "true", absentValue = "false") boolean encrypt,
            @Descriptor("encrypt the private keys with the passphrase from file:PATH, env:NAME, stdin or prompt")
            @Parameter(names = { "--passphrase-from" }, absentValue = "") String passphraseFrom,
            @Descriptor("make the key on a PKCS #11 token instead: pkcs11:token=LABEL;object=LABEL?module-path=LIB")
            @Parameter(names = { "--pkcs11" }, absentValue = "") String pkcs11,
            @Descriptor("where the token's user PIN comes from: file:PATH, env:NAME, stdin or prompt")
            @Parameter(names = { "--pin-from" }, absentValue = "prompt") String pinFrom,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("roles: pk, kek, db, mok, or all") String... roles) throws LivengException {
        List<KeyRole> rs = roles(roles);
        if (!name.isEmpty() && rs.size() != 1) {
            throw new LivengException(ErrorCodes.USAGE, "--name applies to one role, not " + rs.size(), "create the roles one by one");
        }
        KeyDirectory keys = directory(dir);
        List<KeyInfo> made = new ArrayList<>();
        if (!pkcs11.isEmpty()) {
            Pkcs11Uri base = Pkcs11Uri.parse(pkcs11);
            try (Secret pin = SecretReferences.resolve(pinFrom, "user PIN of the token")) {
                Pkcs11Token token = Pkcs11Token.login(base, pin, runner);
                for (KeyRole r : rs) {
                    String n = name.isEmpty() ? r.defaultName() : name;
                    Pkcs11Uri uri = rs.size() == 1 ? base : base.withObject(n);
                    String commonName = cn.isEmpty() ? "liveng " + r.title() + " " + java.time.Year.now() : cn;
                    made.add(keys.recordTokenKey(n, uri.toString(), token.generate(r, bits, commonName, days)));
                }
            }
        } else {
            String ref = !passphraseFrom.isEmpty() ? passphraseFrom : encrypt ? "prompt" : "none";
            try (Secret pass = SecretReferences.resolve(ref, "new passphrase of the private keys")) {
                for (KeyRole r : rs) {
                    made.add(keys.create(r, name.isEmpty() ? r.defaultName() : name, bits, cn, days, pass));
                }
            }
        }
        return json ? json(made) : table(made) + "\nkeys in " + keys.path();
    }

    @Descriptor("list the keys of a key folder")
    public Object list(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json) throws LivengException {
        KeyDirectory keys = directory(dir);
        List<KeyInfo> all = keys.list();
        if (json) {
            return json(all);
        }
        return all.isEmpty() ? "no keys in " + keys.path() + "; 'liveng keys create all' makes PK, KEK, db and MOK" : table(all);
    }

    @Descriptor("show one key: subject, validity, size, extensions, fingerprint, where the private key is")
    public Object show(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("print machine-readable JSON")
            @Parameter(names = { "-j", "--json" }, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the key name, e.g. db") String name) throws LivengException {
        KeyInfo k = directory(dir).info(name);
        if (json) {
            return json(k);
        }
        StringBuilder sb = new StringBuilder();
        row(sb, "Name", k.name());
        row(sb, "Role", k.role());
        row(sb, "Private key", k.source() + ": " + k.keyReference() + (k.encrypted() ? " (passphrase-encrypted)" : ""));
        row(sb, "Certificate", k.certificate());
        row(sb, "Subject", k.subject());
        row(sb, "Serial", k.serial());
        row(sb, "Valid", k.notBefore() + " to " + k.notAfter());
        row(sb, "Key", k.keyAlgorithm() + " " + k.keyBits() + " bits");
        row(sb, "SHA-256", k.sha256());
        for (String e : k.extensions()) {
            row(sb, "Extension", e);
        }
        return sb.toString().stripTrailing();
    }

    @Descriptor("export a certificate as PEM, DER (for MokManager) or an EFI signature list (esl)")
    public Object export(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("pem (default), der or esl")
            @Parameter(names = { "-f", "--format" }, absentValue = "pem") String format,
            @Descriptor("the key name, e.g. mok") String name,
            @Descriptor("the file to write (never overwritten)") String out) throws LivengException {
        KeyDirectory keys = directory(dir);
        KeyFiles.writeNew(Path.of(out), keys.export(name, format), false);
        return "wrote the " + format.toLowerCase(Locale.ROOT) + " certificate of " + name + " to " + out;
    }

    @Descriptor("replace a key by a new one (same role, size, name); the old one moves to retired/")
    public Object rotate(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("certificate validity in days")
            @Parameter(names = { "--days" }, absentValue = "3650") int days,
            @Descriptor("encrypt the new private key with a passphrase typed at the terminal")
            @Parameter(names = { "-e", "--encrypt" }, presentValue = "true", absentValue = "false") boolean encrypt,
            @Descriptor("encrypt the new private key with the passphrase from file:PATH, env:NAME, stdin or prompt")
            @Parameter(names = { "--passphrase-from" }, absentValue = "") String passphraseFrom,
            @Descriptor("the key name, e.g. db") String name) throws LivengException {
        KeyDirectory keys = directory(dir);
        String ref = !passphraseFrom.isEmpty() ? passphraseFrom : encrypt ? "prompt" : "none";
        try (Secret pass = SecretReferences.resolve(ref, "new passphrase of " + name)) {
            KeyInfo k = keys.rotate(name, pass, days);
            return table(List.of(k)) + "\nthe old key is in " + keys.path().resolve("retired")
                    + "; re-sign what it signed and re-enrol the new certificate (db/KEK/PK updates, MokManager)";
        }
    }

    @Descriptor("write the files that enrol your PK, KEK and db in firmware: signature lists, .auth updates (PK by PK, KEK by PK, db by KEK), DER certificates")
    public Object auth(
            @Descriptor("the key folder (default ~/.config/liveng/keys)")
            @Parameter(names = { "-d", "--dir" }, absentValue = "") String dir,
            @Descriptor("passphrase of encrypted pk/kek keys, or the token PIN: file:PATH, env:NAME, stdin or prompt")
            @Parameter(names = { "--passphrase-from" }, absentValue = "prompt") String passphraseFrom,
            @Descriptor("the Microsoft-signed shim whose signatures carry Microsoft's UEFI CA certificates to keep in db")
            @Parameter(names = { "--microsoft-from" }, absentValue = "/usr/lib/shim/shimx64.efi.signed") String microsoftFrom,
            @Descriptor("db holds only your certificate (option ROMs and other systems will not run: read the warning)")
            @Parameter(names = { "--no-microsoft" }, presentValue = "true", absentValue = "false") boolean noMicrosoft,
            @Descriptor("timestamp of the updates, seconds since 1970 (default now)")
            @Parameter(names = { "--time" }, absentValue = "") String time,
            @Descriptor("the folder to write into (created; files are never overwritten)") String out) throws LivengException {
        KeyDirectory keys = directory(dir);
        java.util.List<java.security.cert.X509Certificate> ms = List.of();
        if (!noMicrosoft) {
            Path shim = Path.of(microsoftFrom);
            try {
                ms = org.liveng.keys.MicrosoftCertificates.fromShim(org.liveng.format.pe.PeImage.parse(java.nio.file.Files.readAllBytes(shim), shim.toString()));
            } catch (java.io.IOException e) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "cannot read " + shim + ": " + e.getMessage(),
                        "apt-get install shim-signed, give --microsoft-from SHIM, or --no-microsoft");
            }
            if (ms.isEmpty()) {
                throw new LivengException(ErrorCodes.UNSUPPORTED, shim + " carries no Microsoft UEFI CA certificate", "give a Microsoft-signed shim");
            }
        }
        java.time.Instant t = time.isEmpty() ? java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                : java.time.Instant.ofEpochSecond(Long.parseLong(time));
        org.liveng.api.keys.SigningKey pk;
        org.liveng.api.keys.SigningKey kek;
        try (Secret s = keys.needsSecret("pk") || keys.needsSecret("kek") ? SecretReferences.resolve(passphraseFrom, "passphrase or PIN of pk and kek") : null) {
            pk = keys.open("pk", s, runner);
            kek = keys.open("kek", s, runner);
        }
        Path dest = Path.of(out);
        try {
            java.nio.file.Files.createDirectories(dest);
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot create " + dest + ": " + e.getMessage(), null, e);
        }
        StringBuilder sb = new StringBuilder();
        for (org.liveng.api.medium.FileSpec f : org.liveng.keys.Enrolment.files("", keys.owner(), pk, kek, keys.certificate("db"), ms, t)) {
            Path p = dest.resolve(f.path().substring(1));
            try (java.io.InputStream in = f.content().open()) {
                KeyFiles.writeNew(p, in.readAllBytes(), false);
            } catch (java.io.IOException e) {
                throw new LivengException(ErrorCodes.IO, "cannot write " + p + ": " + e.getMessage(), null, e);
            }
            sb.append("wrote ").append(p).append('\n');
        }
        sb.append("enrol in setup mode: db.auth, then KEK.auth, then PK.auth last");
        if (noMicrosoft) {
            sb.append("\nWARNING: db holds only your certificate. Option ROMs (graphics, storage, network cards) signed by Microsoft will not run:"
                    + " many machines are then left without display or boot disk until a firmware reset.");
        }
        return sb.toString();
    }

    static List<KeyRole> roles(String[] roles) throws LivengException {
        if (roles == null || roles.length == 0) {
            throw new LivengException(ErrorCodes.USAGE, "no role given", "name one or more of pk, kek, db, mok, or all");
        }
        Set<KeyRole> out = new LinkedHashSet<>();
        for (String r : roles) {
            if (r.equalsIgnoreCase("all")) {
                out.addAll(List.of(KeyRole.values()));
                continue;
            }
            try {
                out.add(KeyRole.valueOf(r.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new LivengException(ErrorCodes.USAGE, "'" + r + "' is not a key role", "use pk, kek, db, mok or all");
            }
        }
        return List.copyOf(out);
    }

    private static KeyDirectory directory(String dir) {
        return new KeyDirectory(dir.isEmpty() ? KeyDirectory.defaultLocation() : Path.of(dir));
    }

    private static String table(List<KeyInfo> keys) {
        StringBuilder sb = new StringBuilder(String.format("%-10s %-4s %-7s %-6s %-10s %s%n", "name", "role", "source", "bits", "expires", "subject"));
        for (KeyInfo k : keys) {
            sb.append(String.format("%-10s %-4s %-7s %-6d %-10s %s%n", k.name(), k.role(), k.source() + (k.encrypted() ? "*" : ""), k.keyBits(),
                    k.notAfter().substring(0, 10), k.subject()));
        }
        return sb.toString().stripTrailing();
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-13s %s%n", key + ":", value));
    }

    private static String json(Object o) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
    }
}
