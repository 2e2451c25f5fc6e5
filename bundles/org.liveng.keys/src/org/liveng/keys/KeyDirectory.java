package org.liveng.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;

/**
 * A folder of Secure Boot keys, by name: {@code NAME.key} (PEM PKCS #8, mode 0600, optionally
 * passphrase-encrypted) or {@code NAME.pkcs11} (the {@code pkcs11:} URI of a token key), and
 * {@code NAME.crt} (PEM certificate), plus {@code owner.guid} (the owner GUID of the EFI signature
 * lists made from these keys). Rotated keys move to {@code retired/}. The folder is created 0700.
 */
public final class KeyDirectory {
    /** Minimum and default RSA sizes: 2048 is what every firmware accepts; 4096 is an option. */
    public static final int DEFAULT_BITS = 2048;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    public KeyDirectory(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CONFIG_HOME/liveng/keys}, else {@code ~/.config/liveng/keys}. */
    public static Path defaultLocation() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("liveng/keys");
    }

    public Path path() {
        return dir;
    }

    public Path keyFile(String name) {
        return dir.resolve(name + ".key");
    }

    public Path certificateFile(String name) {
        return dir.resolve(name + ".crt");
    }

    public Path tokenReferenceFile(String name) {
        return dir.resolve(name + ".pkcs11");
    }

    /** The private key reference of a key: {@code file:PATH} or its {@code pkcs11:} URI. */
    public String keyReference(String name) throws LivengException {
        Path t = tokenReferenceFile(name);
        if (Files.isRegularFile(t)) {
            try {
                return Files.readString(t, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new LivengException(ErrorCodes.IO, "cannot read " + t + ": " + e.getMessage(), null, e);
            }
        }
        return "file:" + keyFile(name);
    }

    /** Opens a key of this folder for signing: a key file (with the passphrase if it is encrypted) or a token key (with the PIN). */
    public org.liveng.api.keys.SigningKey open(String name, Secret passphraseOrPin, org.liveng.platform.exec.ProcessRunner runner)
            throws LivengException {
        String ref = keyReference(name);
        X509Certificate cert = certificate(name);
        if (ref.startsWith(Pkcs11Uri.SCHEME)) {
            return Pkcs11Token.login(Pkcs11Uri.parse(ref), passphraseOrPin, runner).key(cert);
        }
        return new org.liveng.api.keys.SigningKey(KeyFiles.readPrivateKey(keyFile(name), passphraseOrPin), cert, ref);
    }

    /** Whether opening the key needs a passphrase or PIN. */
    public boolean needsSecret(String name) throws LivengException {
        return keyReference(name).startsWith(Pkcs11Uri.SCHEME) || KeyFiles.isEncrypted(keyFile(name));
    }

    /** Creates a key pair and its self-signed certificate in files. */
    public KeyInfo create(KeyRole role, String name, int bits, String commonName, int days, Secret passphrase) throws LivengException {
        checkName(name);
        checkBits(bits);
        prepare();
        refuseExisting(name);
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "this JVM cannot make RSA keys: " + e.getMessage(), null, e);
        }
        X509Certificate cert = Certificates.selfSigned(role, cn(role, commonName), pair.getPublic(), pair.getPrivate(), null,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), java.time.Duration.ofDays(days));
        KeyFiles.writePrivateKey(keyFile(name), pair.getPrivate(), passphrase);
        KeyFiles.writeNew(certificateFile(name), KeyFiles.certificatePem(cert), false);
        return info(name);
    }

    /** Records a key made on a token: its URI (no PIN) and its certificate. */
    public KeyInfo recordTokenKey(String name, String uri, X509Certificate cert) throws LivengException {
        checkName(name);
        prepare();
        refuseExisting(name);
        KeyFiles.writeNew(tokenReferenceFile(name), (uri + "\n").getBytes(StandardCharsets.US_ASCII), false);
        KeyFiles.writeNew(certificateFile(name), KeyFiles.certificatePem(cert), false);
        return info(name);
    }

    /** Every key of the folder, by name. */
    public List<KeyInfo> list() throws LivengException {
        List<KeyInfo> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String f = p.getFileName().toString();
                if (f.endsWith(".crt")) {
                    out.add(info(f.substring(0, f.length() - 4)));
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot list " + dir + ": " + e.getMessage(), null, e);
        }
        return out;
    }

    /** Details of one key. */
    public KeyInfo info(String name) throws LivengException {
        checkName(name);
        Path crt = certificateFile(name);
        if (!Files.isRegularFile(crt)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "no key '" + name + "' in " + dir, "'liveng keys list' shows the keys");
        }
        X509Certificate c = KeyFiles.readCertificate(crt);
        boolean token = Files.isRegularFile(tokenReferenceFile(name));
        String ref = keyReference(name);
        boolean encrypted = !token && Files.isRegularFile(keyFile(name)) && KeyFiles.isEncrypted(keyFile(name));
        return new KeyInfo(name, role(c), token ? "pkcs11" : "file", token ? ref : keyFile(name).toString(), encrypted, crt.toString(),
                c.getSubjectX500Principal().getName(X500Principal.RFC2253), c.getSerialNumber().toString(16),
                c.getNotBefore().toInstant().toString(), c.getNotAfter().toInstant().toString(), c.getPublicKey().getAlgorithm(),
                c.getPublicKey() instanceof RSAPublicKey r ? r.getModulus().bitLength() : 0, fingerprint(c), extensions(c));
    }

    public X509Certificate certificate(String name) throws LivengException {
        return KeyFiles.readCertificate(certificateFile(name));
    }

    /** The owner GUID of this folder's signature lists (made once, random). */
    public EfiGuid owner() throws LivengException {
        Path f = dir.resolve("owner.guid");
        try {
            if (!Files.exists(f)) {
                prepare();
                KeyFiles.writeNew(f, (UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII), false);
            }
            return EfiGuid.of(Files.readString(f, StandardCharsets.US_ASCII).strip());
        } catch (IOException | IllegalArgumentException e) {
            throw new LivengException(ErrorCodes.FORMAT, f + " does not hold a GUID: " + e.getMessage(), "delete it to make a new one");
        }
    }

    /** The certificate as PEM, DER, or an EFI signature list (owner {@link #owner()}). */
    public byte[] export(String name, String format) throws LivengException {
        X509Certificate c = certificate(name);
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "pem" -> KeyFiles.certificatePem(c);
            case "der" -> KeyFiles.der(c);
            case "esl" -> EfiSignatureList.x509(owner(), c).encode();
            default -> throw new LivengException(ErrorCodes.USAGE, "unknown export format '" + format + "'", "use pem, der or esl");
        };
    }

    /**
     * Replaces a file key by a new one of the same role, size and common name; the old key and
     * certificate move to {@code retired/NAME-<UTC time>.key/.crt}.
     */
    public KeyInfo rotate(String name, Secret passphrase, int days) throws LivengException {
        KeyInfo old = info(name);
        if (old.source().equals("pkcs11")) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "'" + name + "' is a token key; rotate it on the token",
                    "create a new token key with 'liveng keys create --pkcs11 URI'");
        }
        KeyRole role = KeyRole.valueOf(old.role());
        String cn = Certificates.commonName(certificate(name));
        Path retired = dir.resolve("retired");
        String stem = name + "-" + STAMP.format(Instant.now());
        try {
            Files.createDirectories(retired, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.move(keyFile(name), retired.resolve(stem + ".key"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(certificateFile(name), retired.resolve(stem + ".crt"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot retire " + name + " into " + retired + ": " + e.getMessage(), null, e);
        }
        return create(role, name, old.keyBits(), cn, days, passphrase);
    }

    private static String cn(KeyRole role, String commonName) {
        return commonName == null || commonName.isBlank() ? "liveng " + role.title() + " " + Instant.now().atZone(ZoneOffset.UTC).getYear()
                : commonName;
    }

    private void prepare() throws LivengException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made concurrently: fine
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot create the key folder " + dir + ": " + e.getMessage(), null, e);
        }
    }

    private void refuseExisting(String name) throws LivengException {
        for (Path p : List.of(keyFile(name), certificateFile(name), tokenReferenceFile(name))) {
            if (Files.exists(p)) {
                throw new LivengException(ErrorCodes.USAGE, "a key '" + name + "' exists already (" + p + ")",
                        "use 'liveng keys rotate " + name + "' to replace it, or another --name");
            }
        }
    }

    static void checkName(String name) throws LivengException {
        if (!NAME.matcher(name).matches()) {
            throw new LivengException(ErrorCodes.USAGE, "'" + name + "' is not a key name", "use lower-case letters, digits, '.', '_' and '-'");
        }
    }

    static void checkBits(int bits) throws LivengException {
        if (bits != 2048 && bits != 3072 && bits != 4096) {
            throw new LivengException(ErrorCodes.USAGE, "RSA " + bits + " is not offered", "use 2048 (every firmware), 3072 or 4096");
        }
    }

    static String role(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (KeyRole r : KeyRole.values()) {
            if (dn.contains("OU=" + r.name() + ",") || dn.endsWith("OU=" + r.name())) {
                return r.name();
            }
        }
        return "?";
    }

    static String fingerprint(X509Certificate c) throws LivengException {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new LivengException(ErrorCodes.INTERNAL, "cannot hash " + c.getSubjectX500Principal(), null, e);
        }
    }

    static List<String> extensions(X509Certificate c) {
        List<String> e = new ArrayList<>();
        int bc = c.getBasicConstraints();
        if (c.getExtensionValue("2.5.29.19") != null) {
            e.add("basicConstraints: CA:" + (bc >= 0 ? "TRUE" : "FALSE"));
        }
        boolean[] ku = c.getKeyUsage();
        if (ku != null) {
            String[] names = { "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign",
                    "cRLSign", "encipherOnly", "decipherOnly" };
            List<String> on = new ArrayList<>();
            for (int i = 0; i < ku.length && i < names.length; i++) {
                if (ku[i]) {
                    on.add(names[i]);
                }
            }
            e.add("keyUsage: " + String.join(", ", on));
        }
        try {
            List<String> eku = c.getExtendedKeyUsage();
            if (eku != null) {
                e.add("extendedKeyUsage: " + String.join(", ", eku.stream().map(o -> o.equals("1.3.6.1.5.5.7.3.3") ? "codeSigning" : o).toList()));
            }
        } catch (java.security.cert.CertificateParsingException ex) {
            e.add("extendedKeyUsage: unreadable");
        }
        return e;
    }
}
