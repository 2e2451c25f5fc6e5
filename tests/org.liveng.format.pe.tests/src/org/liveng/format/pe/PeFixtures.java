package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;

/** Real EFI binaries from Debian packages, test keys made by openssl, and the signing oracles. */
public final class PeFixtures {
    public static final String SHIM_SIGNED = "/usr/lib/shim/shimx64.efi.signed";
    public static final String SHIM_UNSIGNED = "/usr/lib/shim/shimx64.efi";
    public static final String MM_SIGNED = "/usr/lib/shim/mmx64.efi.signed";
    public static final String GRUB_SIGNED = "/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed";
    private static final String GRUB_MODULES = "/usr/lib/grub/x86_64-efi";

    private PeFixtures() {
    }

    /** A file a Debian package installs; missing means the test fails and says what to install. */
    public static Path installed(String path, String debianPackage) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            fail(path + " is missing: install the Debian package " + debianPackage + " (apt-get install " + debianPackage
                    + "); this test reads it as a real input");
        }
        return p;
    }

    public static Path shimSigned() {
        return installed(SHIM_SIGNED, "shim-signed");
    }

    public static Path shimUnsigned() {
        return installed(SHIM_UNSIGNED, "shim-unsigned");
    }

    public static Path mmSigned() {
        return installed(MM_SIGNED, "shim-helpers-amd64-signed");
    }

    public static Path grubSigned() {
        return installed(GRUB_SIGNED, "grub-efi-amd64-signed");
    }

    /** An unsigned GRUB EFI image made by grub-mkimage. */
    public static Path grubMkimage(Path dir, String name) {
        installed(GRUB_MODULES + "/normal.mod", "grub-efi-amd64-bin");
        Path out = dir.resolve(name);
        ok(Command.of("grub-mkimage", "-O", "x86_64-efi", "-d", GRUB_MODULES, "-p", "/EFI/test", "-o", out.toString(), "normal",
                "part_gpt", "fat").fromPackage("grub-common"));
        return out;
    }

    public static PeImage read(Path p) throws Exception {
        return PeImage.parse(Files.readAllBytes(p), p.getFileName().toString());
    }

    /** Runs a tool that must succeed. */
    public static ExecResult ok(Command c) {
        return Oracles.run(c);
    }

    /** Runs a tool whose exit status the test judges itself. */
    public static ExecResult any(Command c) {
        return Oracles.runAllowingFailure(c);
    }

    public static Command sbsigntool(String program, String... args) {
        return Command.of(program, args).fromPackage("sbsigntool");
    }

    public static Command osslsigncode(String... args) {
        return Command.of("osslsigncode", args).fromPackage("osslsigncode");
    }

    public static Command efitools(String program, String... args) {
        return Command.of(program, args).fromPackage("efitools");
    }

    /** A self-signed RSA 2048 test key pair: the key file is created 0600 before openssl writes it. */
    public record TestKey(Path keyFile, Path certFile, PrivateKey key, X509Certificate cert) {
    }

    public static TestKey testKey(Path dir, String name, String cn) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path crt = dir.resolve(name + ".crt");
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        Files.createFile(key, PosixFilePermissions.asFileAttribute(owner));
        ok(Command.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650", "-subj", "/CN=" + cn,
                "-keyout", key.toString(), "-out", crt.toString()).fromPackage("openssl"));
        assertEquals(owner, Files.getPosixFilePermissions(key), "test key file permissions");
        return new TestKey(key, crt, privateKey(key), certificate(crt));
    }

    /** An unencrypted PKCS #8 PEM private key ("BEGIN PRIVATE KEY", OpenSSL 3's default). */
    public static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String b64 = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END PRIVATE KEY-----"));
        byte[] der = Base64.getMimeDecoder().decode(b64);
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    public static X509Certificate certificate(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    /** Common names from sbverify --list's "subject:" lines, in order. */
    public static java.util.List<String> sbverifySubjects(Path file) {
        String out = ok(sbsigntool("sbverify", "--list", file.toString())).stdoutText();
        java.util.List<String> cns = new java.util.ArrayList<>();
        for (String l : out.split("\n")) {
            String t = l.strip();
            if (t.startsWith("- subject:")) {
                cns.add(cn(t.substring(t.indexOf(':') + 1).strip()));
            }
        }
        return cns;
    }

    /** The CN of an OpenSSL one-line name ("/C=US/.../CN=x") or an RFC 2253 name ("CN=x,O=..."). */
    public static String cn(String name) {
        for (String part : name.split(name.startsWith("/") ? "/" : ",(?=[A-Za-z.0-9]+=)")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return "";
    }
}
