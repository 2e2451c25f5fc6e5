package org.liveng.keys;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.api.keys.SigningKey;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/**
 * A PKCS #11 token through the JDK's SunPKCS11 provider. Keys are generated on the token as
 * sensitive, non-extractable token objects; signing happens on the token; liveng holds only handles.
 * The slot of a token label is found with OpenSC's {@code pkcs11-tool -L} (no PIN needed).
 */
public final class Pkcs11Token {
    private static final Pattern SLOT = Pattern.compile("^Slot \\d+ \\(0x([0-9a-fA-F]+)\\):", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("^\\s*token label\\s*:\\s*(.*?)\\s*$", Pattern.MULTILINE);

    private static final java.util.concurrent.atomic.AtomicInteger SESSIONS = new java.util.concurrent.atomic.AtomicInteger();

    private final Provider provider;
    private final KeyStore store;
    private final Pkcs11Uri uri;

    private Pkcs11Token(Provider provider, KeyStore store, Pkcs11Uri uri) {
        this.provider = provider;
        this.store = store;
        this.uri = uri;
    }

    /** Logs in to the token the URI names. */
    public static Pkcs11Token login(Pkcs11Uri uri, Secret pin, ProcessRunner runner) throws LivengException {
        if (pin == null) {
            throw new LivengException(ErrorCodes.USAGE, "the token of " + uri + " needs its user PIN",
                    "give it as a secret reference (file:PATH, env:NAME, stdin, prompt)");
        }
        long slot = uri.slotId() >= 0 ? uri.slotId() : findSlot(uri, runner);
        String config = "--name = liveng-" + Long.toHexString(slot) + "-" + SESSIONS.incrementAndGet() + "\n"
                + "library = " + uri.modulePath() + "\n"
                + "slot = " + slot + "\n"
                + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_PRIVATE = true\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n"
                + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = true\n}\n";
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "this JVM has no SunPKCS11 provider (module jdk.crypto.cryptoki)", null);
        }
        char[] p = SecretReferences.chars(pin);
        try {
            Provider provider = base.configure(config);
            // installed under a name of its own, so JCA's delayed provider selection (Signature.getInstance
            // without a provider, as the Authenticode and .auth signers call it) finds the token for its keys
            Security.addProvider(provider);
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, p);
            return new Pkcs11Token(provider, ks, uri);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.USAGE, "cannot log in to the token of " + uri + ": wrong PIN or locked token", null);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "cannot open the PKCS #11 token of " + uri + ": " + e.getMessage(),
                    "check module-path and the token label", e);
        } finally {
            Arrays.fill(p, '\0');
        }
    }

    /** The JCA provider signing on the token. */
    public Provider provider() {
        return provider;
    }

    /** The key labelled {@code uri.object()} and its certificate (from the token, or {@code certificate} if given). */
    public SigningKey key(X509Certificate certificate) throws LivengException {
        try {
            if (!(store.getKey(uri.object(), null) instanceof PrivateKey k)) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "the token has no private key labelled '" + uri.object() + "' (" + uri + ")",
                        "'pkcs11-tool --list-objects' shows the labels");
            }
            X509Certificate c = certificate;
            if (c == null) {
                Certificate tc = store.getCertificate(uri.object());
                if (!(tc instanceof X509Certificate x)) {
                    throw new LivengException(ErrorCodes.NOT_FOUND, "the token has no certificate labelled '" + uri.object() + "'",
                            "give the certificate file");
                }
                c = x;
            }
            return new SigningKey(k, c, uri.toString());
        } catch (GeneralSecurityException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "cannot read '" + uri.object() + "' on the token: " + e.getMessage(), null, e);
        }
    }

    /**
     * Generates an RSA key pair on the token under the URI's object label, and a self-signed
     * certificate signed on the token, stored next to it.
     */
    public X509Certificate generate(KeyRole role, int bits, String commonName, int days) throws LivengException {
        KeyDirectory.checkBits(bits);
        try {
            if (store.containsAlias(uri.object())) {
                throw new LivengException(ErrorCodes.USAGE, "the token already holds '" + uri.object() + "'", "choose another object label");
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", provider);
            g.initialize(bits);
            KeyPair pair = g.generateKeyPair();
            X509Certificate cert = Certificates.selfSigned(role, commonName, pair.getPublic(), pair.getPrivate(), provider,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofDays(days));
            store.setKeyEntry(uri.object(), pair.getPrivate(), null, new Certificate[] { cert });
            return cert;
        } catch (GeneralSecurityException e) {
            throw new LivengException(ErrorCodes.TOOL, "the token could not make the key '" + uri.object() + "': " + e.getMessage(), null, e);
        }
    }

    static long findSlot(Pkcs11Uri uri, ProcessRunner runner) throws LivengException {
        ExecResult r = runner.run(Command.of("pkcs11-tool", "--module", uri.modulePath(), "-L").fromPackage("opensc"));
        String out = r.stdoutText();
        Matcher m = SLOT.matcher(out);
        while (m.find()) {
            int end = out.indexOf("\nSlot ", m.end());
            String block = out.substring(m.end(), end < 0 ? out.length() : end);
            Matcher l = LABEL.matcher(block);
            if (l.find() && l.group(1).equals(uri.token())) {
                return Long.parseLong(m.group(1), 16);
            }
        }
        throw new LivengException(ErrorCodes.NOT_FOUND, "no token labelled '" + uri.token() + "' behind " + uri.modulePath(),
                "'pkcs11-tool --module " + uri.modulePath() + " -L' lists the tokens");
    }
}
