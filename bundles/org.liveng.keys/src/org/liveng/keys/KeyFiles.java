package org.liveng.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Set;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.asn1.DERNull;
import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;

/**
 * Private key and certificate files. A private key file is created with mode 0600 from the start
 * (never widened and narrowed later) and never overwritten; it holds PEM PKCS #8, plain
 * ({@code PRIVATE KEY}) or encrypted with a passphrase ({@code ENCRYPTED PRIVATE KEY}: PBES2,
 * PBKDF2-HMAC-SHA256, AES-256-CBC, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes).
 * Key bytes live in arrays that are wiped after use.
 */
public final class KeyFiles {
    /** rw------- */
    public static final Set<java.nio.file.attribute.PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final String PLAIN = "PRIVATE KEY";
    static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";
    static final String RSA_PKCS1 = "RSA PRIVATE KEY";
    static final int PBKDF2_ITERATIONS = 200_000;
    /** Bouncy Castle's provider, not registered globally: PBES2 with AES by OID is not in every JDK provider. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private KeyFiles() {
    }

    /** Writes the key as a new 0600 file; refuses to replace an existing one. */
    public static void writePrivateKey(Path file, PrivateKey key, Secret passphrase) throws LivengException {
        byte[] der = key.getEncoded();
        if (der == null) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "the key for " + file + " cannot be exported (a token key?)", null);
        }
        byte[] pem = null;
        try {
            if (passphrase == null) {
                pem = Pem.encode(PLAIN, der);
            } else {
                char[] pw = SecretReferences.chars(passphrase);
                try {
                    OutputEncryptor enc = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                            .setIterationCount(PBKDF2_ITERATIONS).setProvider(BC).setPassword(pw).build();
                    PKCS8EncryptedPrivateKeyInfo info = new org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder(
                            PrivateKeyInfo.getInstance(der)).build(enc);
                    pem = Pem.encode(ENCRYPTED, info.getEncoded());
                } catch (OperatorCreationException | IOException e) {
                    throw new LivengException(ErrorCodes.INTERNAL, "cannot encrypt the key for " + file + ": " + e.getMessage(), null, e);
                } finally {
                    Arrays.fill(pw, '\0');
                }
            }
            writeNew(file, pem, true);
        } finally {
            Arrays.fill(der, (byte) 0);
            if (pem != null) {
                Arrays.fill(pem, (byte) 0);
            }
        }
    }

    /** Whether the key file is passphrase-encrypted. */
    public static boolean isEncrypted(Path file) throws LivengException {
        byte[] text = read(file);
        try {
            return Pem.indexOf(text, ("-----BEGIN " + ENCRYPTED).getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0) >= 0;
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /** Reads a PEM private key (PKCS #8 plain or encrypted, or PKCS #1 RSA). */
    public static PrivateKey readPrivateKey(Path file, Secret passphrase) throws LivengException {
        byte[] text = read(file);
        Pem.Block block;
        try {
            block = Pem.decode(text, file.toString());
        } finally {
            Arrays.fill(text, (byte) 0);
        }
        byte[] der = block.der();
        byte[] pkcs8 = null;
        try {
            switch (block.label()) {
                case PLAIN -> pkcs8 = der.clone();
                case RSA_PKCS1 -> pkcs8 = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(der)).getEncoded();
                case ENCRYPTED -> {
                    if (passphrase == null) {
                        throw new LivengException(ErrorCodes.USAGE, file + " is encrypted and no passphrase was given",
                                "give the passphrase (e.g. signing.key-passphrase=prompt, or --passphrase-from file:PATH)");
                    }
                    char[] pw = SecretReferences.chars(passphrase);
                    try {
                        PrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(der)
                                .decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pw));
                        pkcs8 = info.getEncoded();
                    } catch (PKCSException e) {
                        throw new LivengException(ErrorCodes.USAGE, "cannot decrypt " + file + ": wrong passphrase or damaged file", null);
                    } catch (OperatorCreationException e) {
                        throw new LivengException(ErrorCodes.UNSUPPORTED, file + " uses an encryption this JVM lacks: " + e.getMessage(), null);
                    } finally {
                        Arrays.fill(pw, '\0');
                    }
                }
                default -> throw new FormatException(0, file + " holds a PEM " + block.label() + ", not a private key");
            }
            String alg = PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)
                    ? "RSA" : "EC";
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new FormatException(0, file + " is not a readable private key: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(der, (byte) 0);
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /** Reads an X.509 certificate, PEM or DER. */
    public static X509Certificate readCertificate(Path file) throws LivengException {
        byte[] b = read(file);
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(b));
        } catch (CertificateException e) {
            throw new FormatException(0, file + " is not an X.509 certificate (PEM or DER): " + e.getMessage());
        }
    }

    /** The certificate as PEM bytes. */
    public static byte[] certificatePem(X509Certificate cert) throws LivengException {
        return Pem.encode("CERTIFICATE", der(cert));
    }

    public static byte[] der(X509Certificate cert) throws LivengException {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new LivengException(ErrorCodes.INTERNAL, "cannot encode " + cert.getSubjectX500Principal(), null, e);
        }
    }

    /** Creates {@code file} (0600 when {@code secret}, else 0644) and writes it; never replaces a file. */
    public static void writeNew(Path file, byte[] bytes, boolean secret) throws LivengException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(secret ? PRIVATE : PosixFilePermissions.fromString("rw-r--r--")))) {
            ByteBuffer bb = ByteBuffer.wrap(bytes);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
        } catch (FileAlreadyExistsException e) {
            throw new LivengException(ErrorCodes.USAGE, file + " already exists; liveng never overwrites key files",
                    "use 'liveng keys rotate' or another name");
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot write " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static byte[] read(Path file) throws LivengException {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LivengException(ErrorCodes.NOT_FOUND, file + " does not exist", "'liveng keys list' shows the keys");
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }
}
