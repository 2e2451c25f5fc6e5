package org.liveng.integration.tests;

/**
 * {@link KernelUpdateBoots} with LUKS2 persistence (the default), the passphrase typed on the serial console at each
 * boot. About 36 minutes under emulation: outside the default test run ({@code tools/test -Dliveng.long-boots=run}).
 */
class KernelUpdateBootTest extends KernelUpdateBoots {
    KernelUpdateBootTest() {
        super(true);
    }
}
