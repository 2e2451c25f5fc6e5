package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.keys.KeyDirectory;
import org.liveng.keys.Pkcs11Token;
import org.liveng.keys.Pkcs11Uri;
import org.liveng.keys.SecretReferences;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * custom-pk with the db key on a PKCS #11 token (SoftHSM2): forge signs shim, GRUB and the kernel on
 * the token (the key folder holds only the token URI and the certificate), and sbverify accepts them.
 * The token is a throwaway in this build's target folder; its PINs are fixture values handed to
 * softhsm2-util, which takes PINs only from a terminal or argv. liveng gets the PIN from a file.
 */
@ExtendWith(ServiceExtension.class)
class TokenSigningTest {
    static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
    static final String LABEL = "liveng-forge";
    static final String USER_PIN = "97531";

    @TempDir
    Path tmp;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @Test
    void customPkSignsOnTheToken() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || !Files.isRegularFile(Path.of(MODULE))) {
            fail("SOFTHSM2_CONF unset (run through the pom) or " + MODULE + " missing (apt-get install softhsm2)");
        }
        Path tokens = Path.of(conf).resolveSibling("tokens");
        Oracles.run(Command.of("rm", "-rf", tokens.toString()));
        Files.createDirectories(tokens);
        Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Oracles.run(Command.of("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", USER_PIN, "--so-pin", "86420864")
                .fromPackage("softhsm2"));
        Path pin = tmp.resolve("pin");
        org.liveng.keys.KeyFiles.writeNew(pin, (USER_PIN + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);

        KeyDirectory keys = new KeyDirectory(tmp.resolve("keys"));
        for (KeyRole r : new KeyRole[] { KeyRole.PK, KeyRole.KEK }) {
            keys.create(r, r.defaultName(), 2048, null, 3650, null);
        }
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=" + LABEL + ";object=db?module-path=" + MODULE);
        try (Secret p = SecretReferences.resolve("file:" + pin, "PIN")) {
            keys.recordTokenKey("db", uri.toString(), Pkcs11Token.login(uri, p, Oracles.RUNNER).generate(KeyRole.DB, 2048, "token db", 3650));
        }
        assertTrue(!Files.exists(keys.keyFile("db")));

        Path img = tmp.resolve("token.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of("signing.key-passphrase", "file:" + pin)), img);
        for (String f : new String[] { "/EFI/BOOT/BOOTX64.EFI", "/EFI/BOOT/grubx64.efi" }) {
            Path bin = Sticks.espFile(img, plan, f, tmp.resolve(Path.of(f).getFileName().toString()));
            assertEquals(0, Sticks.sbverify(keys.certificateFile("db"), bin).exitCode(), f + ": " + Sticks.signers(bin));
        }
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("vmlinuz"));
        assertEquals(0, Sticks.sbverify(keys.certificateFile("db"), kernel).exitCode(), Sticks.signers(kernel));
    }
}
