package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.FormatException;
import org.liveng.format.efivar.AuthenticatedVariable;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.format.efivar.EfiTime;
import org.liveng.format.efivar.SecureBootVariable;

/** Seeded mutation fuzzing: damaged images and variables give a FormatException or a clean result, nothing else. */
class PeFuzzTest {
    private static final int ITERATIONS = 600;

    @TempDir
    Path tmp;

    @Test
    void mutatedSignedImagesFailCleanly() throws Exception {
        PeFixtures.TestKey k = PeFixtures.testKey(tmp, "fuzz", "liveng fuzz");
        PeImage signed = AuthenticodeSigner.sign(PeFixtures.read(PeFixtures.grubMkimage(tmp, "grub.efi")), k.key(), List.of(k.cert()),
                SignOptions.defaults());
        byte[] base = signed.bytes();
        int table = (int) signed.certificateTable().orElseThrow().virtualAddress();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random rnd = new Random(0x5EC0B007L);
            for (int it = 0; it < ITERATIONS; it++) {
                byte[] b = base.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = switch (rnd.nextInt(4)) {
                        case 0, 1 -> rnd.nextInt(1024); // DOS, COFF, optional header, section table
                        case 2 -> table + rnd.nextInt(base.length - table); // WIN_CERTIFICATE and PKCS #7
                        default -> rnd.nextInt(base.length);
                    };
                    b[at] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                }
                if (rnd.nextInt(16) == 0) {
                    b = Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                exercise(b, k);
            }
        });
    }

    private static void exercise(byte[] b, PeFixtures.TestKey k) {
        try {
            PeImage img = PeImage.parse(b, "fuzz");
            img.sbat();
            for (SectionHeader s : img.sections()) {
                img.sectionData(s.name());
            }
            img.computeCheckSum();
            Authenticode.imageHash(img, "SHA-256");
            for (AuthenticodeSignature s : Authenticode.signatures(img)) {
                Authenticode.verify(img, s, List.of(k.cert()));
            }
        } catch (FormatException expected) {
            // a clean refusal
        }
    }

    @Test
    void mutatedSignatureListsAndAuthFilesFailCleanly() throws Exception {
        PeFixtures.TestKey k = PeFixtures.testKey(tmp, "fuzz", "liveng fuzz");
        EfiGuid owner = EfiGuid.of("11111111-2222-3333-4444-123456789abc");
        byte[] esl = EfiSignatureList.concat(List.of(EfiSignatureList.x509(owner, k.cert()),
                EfiSignatureList.sha256(owner, List.of(new byte[32], new byte[32]))));
        byte[] auth = AuthenticatedVariable.sign(SecureBootVariable.DB, false, EfiTime.of(java.time.Instant.EPOCH), esl, k.key(), k.cert());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Random rnd = new Random(0xE5L);
            for (int it = 0; it < ITERATIONS; it++) {
                byte[] b = (it % 2 == 0 ? esl : auth).clone();
                for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
                    int at = rnd.nextInt(Math.min(b.length, 96));
                    b[at] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextInt(8) == 0) {
                    b = Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                try {
                    if (it % 2 == 0) {
                        EfiSignatureList.parse(b, "fuzz");
                    } else {
                        AuthenticatedVariable.Update u = AuthenticatedVariable.parse(b, "fuzz");
                        AuthenticatedVariable.verify(u, "db", EfiGuid.IMAGE_SECURITY_DATABASE, 0x27, k.cert());
                        EfiSignatureList.parse(u.data(), "fuzz");
                    }
                } catch (FormatException expected) {
                    // a clean refusal
                }
            }
        });
    }
}
