package org.liveng.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.OvmfVars;
import org.liveng.testing.boot.SecureBootKeys;
import org.liveng.testing.boot.SecureBootKeys.Role;

/** The custom variable stores hold what the boot tests rely on (no VM: milliseconds). */
class SecureBootVarsTest {

    @Test
    void ownKeysAreEnrolledAndPrivateKeysArePrivate(@TempDir Path tmp) throws Exception {
        SecureBootKeys keys = SecureBootKeys.generate(tmp.resolve("keys"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.directory())));
        for (Role r : Role.values()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.privateKey(r))), r.name());
        }
        OvmfVars vars = OvmfVars.read(keys.createVars(tmp.resolve("vars.fd"), false));
        assertOnly(vars.variable("PK", OvmfVars.EFI_GLOBAL_VARIABLE).orElseThrow().data(), keys, Role.PK);
        assertOnly(vars.variable("KEK", OvmfVars.EFI_GLOBAL_VARIABLE).orElseThrow().data(), keys, Role.KEK);
        assertOnly(vars.db().orElseThrow().data(), keys, Role.DB);
        assertEquals(Files.size(Firmware.OVMF_VARS_EMPTY), Files.size(tmp.resolve("vars.fd")));
    }

    @Test
    void microsoftDbIsAddedNextToTheOwnDbKey(@TempDir Path tmp) throws Exception {
        List<OvmfVars.Signature> ms = OvmfVars.signatures(SecureBootKeys.microsoftDb());
        assertTrue(ms.stream().allMatch(s -> s.type().equals(OvmfVars.CERT_X509)), ms.toString());
        assertTrue(ms.stream().anyMatch(s -> new String(s.data(), StandardCharsets.ISO_8859_1)
                .contains("Microsoft Corporation UEFI CA 2011")), "no Microsoft UEFI CA in the db of " + Firmware.OVMF_VARS_MS);

        SecureBootKeys keys = SecureBootKeys.generate(tmp.resolve("keys"));
        OvmfVars vars = OvmfVars.read(keys.createVars(tmp.resolve("vars.fd"), true));
        List<OvmfVars.Signature> db = OvmfVars.signatures(vars.db().orElseThrow().data());
        assertEquals(1 + ms.size(), db.size());
        assertArrayEquals(keys.certificateDer(Role.DB), db.get(0).data());
        for (int i = 0; i < ms.size(); i++) {
            assertArrayEquals(ms.get(i).data(), db.get(i + 1).data());
        }
        assertOnly(vars.variable("PK", OvmfVars.EFI_GLOBAL_VARIABLE).orElseThrow().data(), keys, Role.PK);
    }

    private static void assertOnly(byte[] lists, SecureBootKeys keys, Role role) throws Exception {
        List<OvmfVars.Signature> s = OvmfVars.signatures(lists);
        assertEquals(1, s.size(), role.name());
        assertEquals(OvmfVars.CERT_X509, s.get(0).type());
        assertEquals(keys.owner(), s.get(0).owner());
        assertArrayEquals(keys.certificateDer(role), s.get(0).data(), role.name());
    }
}
