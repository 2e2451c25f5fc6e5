package org.liveng.keys.internal;

import java.nio.file.Path;

import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeySource;
import org.liveng.api.keys.SigningKey;
import org.liveng.keys.KeyFiles;
import org.liveng.keys.Pkcs11Token;
import org.liveng.keys.Pkcs11Uri;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code pkcs11}: keys on an HSM or token, through the JDK's SunPKCS11; the key never leaves the token. */
@Component(service = KeySource.class, property = "liveng.id=pkcs11")
public final class Pkcs11KeySource implements KeySource {
    private final ProcessRunner runner;

    @Activate
    public Pkcs11KeySource(@Reference ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return "pkcs11";
    }

    @Override
    public String description() {
        return "keys on a PKCS #11 token or HSM (pkcs11: URIs, RFC 7512); signing on the token";
    }

    @Override
    public boolean handles(String keyReference) {
        return keyReference.startsWith(Pkcs11Uri.SCHEME);
    }

    @Override
    public SigningKey open(String keyReference, String certificateReference, Secret pin) throws LivengException {
        Pkcs11Token token = Pkcs11Token.login(Pkcs11Uri.parse(keyReference), pin, runner);
        return token.key(certificateReference == null ? null : KeyFiles.readCertificate(Path.of(certificateReference.replaceFirst("^file:", ""))));
    }
}
