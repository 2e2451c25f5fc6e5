package org.liveng.keys.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeySource;
import org.liveng.api.keys.SigningKey;
import org.liveng.keys.KeyFiles;
import org.osgi.service.component.annotations.Component;

/** {@code file}: PEM private keys (PKCS #8, optionally encrypted; PKCS #1 RSA), certificate beside them ({@code NAME.crt}). */
@Component(service = KeySource.class, property = "liveng.id=file")
public final class FileKeySource implements KeySource {

    @Override
    public String id() {
        return "file";
    }

    @Override
    public String description() {
        return "PEM key files (0600, optionally passphrase-encrypted PKCS #8)";
    }

    @Override
    public boolean handles(String keyReference) {
        return keyReference.startsWith("file:") || keyReference.startsWith("/") || keyReference.startsWith(".");
    }

    @Override
    public SigningKey open(String keyReference, String certificateReference, Secret passphrase) throws LivengException {
        Path key = Path.of(keyReference.startsWith("file:") ? keyReference.substring(5) : keyReference);
        Path cert = certificateReference != null ? Path.of(certificateReference.replaceFirst("^file:", ""))
                : key.resolveSibling(key.getFileName().toString().replaceFirst("\\.(key|pem)$", "") + ".crt");
        if (!Files.isRegularFile(cert)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "no certificate for " + key + " (looked for " + cert + ")",
                    "put the certificate beside the key as NAME.crt");
        }
        X509Certificate c = KeyFiles.readCertificate(cert);
        PrivateKey k = KeyFiles.readPrivateKey(key, passphrase);
        return new SigningKey(k, c, "file:" + key);
    }
}
