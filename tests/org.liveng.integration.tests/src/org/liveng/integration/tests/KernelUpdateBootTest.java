package org.liveng.integration.tests;

/**
 * {@link KernelUpdateBoots} with LUKS2 persistence (the default), the passphrase typed on the serial console at each
 * boot, and the {@code mok} chain with the MOK key on the stick: the hook signs the new kernel on the running stick.
 * About 20 minutes under emulation: outside the default test run ({@code tools/test -Dliveng.long-boots=run}).
 */
class KernelUpdateBootTest extends KernelUpdateBoots {
    KernelUpdateBootTest() {
        super(true, "mok");
    }
}
