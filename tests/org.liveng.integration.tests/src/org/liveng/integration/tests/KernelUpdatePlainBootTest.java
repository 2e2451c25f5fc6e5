package org.liveng.integration.tests;

/**
 * {@link KernelUpdateBoots} with plain (unencrypted) persistence and the shim-distro chain. About 20 minutes under emulation:
 * outside the default test run ({@code tools/test -Dliveng.long-boots=run}).
 */
class KernelUpdatePlainBootTest extends KernelUpdateBoots {
    KernelUpdatePlainBootTest() {
        super(false, "shim-distro");
    }
}
