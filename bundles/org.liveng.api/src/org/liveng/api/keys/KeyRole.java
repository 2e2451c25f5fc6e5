package org.liveng.api.keys;

import java.util.Locale;

/**
 * The Secure Boot key roles (UEFI 2.10 §32.3): the platform key, the key exchange key, the
 * signature database key that signs boot binaries, and shim's Machine Owner Key.
 */
public enum KeyRole {
    PK("Platform Key"),
    KEK("Key Exchange Key"),
    DB("Signature Database key"),
    MOK("Machine Owner Key");

    private final String title;

    KeyRole(String title) {
        this.title = title;
    }

    /** What the role is called in the UEFI specification and in shim. */
    public String title() {
        return title;
    }

    /** Whether keys of this role sign EFI binaries and kernels (and so carry the code signing usage). */
    public boolean signsCode() {
        return this == DB || this == MOK;
    }

    /** The default key name: {@code pk}, {@code kek}, {@code db}, {@code mok}. */
    public String defaultName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
