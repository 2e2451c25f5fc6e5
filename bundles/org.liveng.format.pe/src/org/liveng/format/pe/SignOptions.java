package org.liveng.format.pe;

import java.time.Instant;

/**
 * How {@link AuthenticodeSigner} signs.
 *
 * @param mode              replace every existing signature, or append one more WIN_CERTIFICATE
 * @param signingTime       a signingTime signed attribute, or null for none (reproducible output)
 * @param smimeCapabilities add the S/MIME capabilities attribute OpenSSL's {@code PKCS7_sign} adds
 *                          (sbsign's output carries it); firmware ignores it
 * @param updateCheckSum    recompute the optional header CheckSum
 */
public record SignOptions(Mode mode, Instant signingTime, boolean smimeCapabilities, boolean updateCheckSum) {
    public enum Mode {
        /** Drop existing signatures; the new one is the only entry. */
        REPLACE,
        /** Keep existing entries and add the new one after them (as pesign and sbattach do; shim tries every entry). */
        APPEND
    }

    /** Replace, no signing time, no S/MIME capabilities, checksum updated. */
    public static SignOptions defaults() {
        return new SignOptions(Mode.REPLACE, null, false, true);
    }

    /** The attributes sbsign (OpenSSL) writes, so the result equals sbsign's for the same signing time. */
    public static SignOptions sbsignCompatible(Instant signingTime) {
        return new SignOptions(Mode.REPLACE, signingTime, true, true);
    }

    public SignOptions withMode(Mode m) {
        return new SignOptions(m, signingTime, smimeCapabilities, updateCheckSum);
    }
}
