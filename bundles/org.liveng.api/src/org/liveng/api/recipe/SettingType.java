package org.liveng.api.recipe;

/** The value types a recipe setting can have. */
public enum SettingType {
    /** Free text. */
    STRING,
    /** A whole number. */
    INTEGER,
    /** A size with an optional unit suffix: {@code 512}, {@code 256M}, {@code 4G}. */
    SIZE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A provider id ({@code liveng.id}). */
    PROVIDER,
    /** A file or device path. */
    PATH,
    /** A secret reference: {@code file:PATH}, {@code env:NAME}, {@code pkcs11:URI} or {@code prompt}; never the secret. */
    SECRET_REF
}
