package org.liveng.api.recipe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Everything that would otherwise be random or the current time, derived
 * from the recipe's {@code reproducible.seed} and
 * {@code reproducible.source-date-epoch}, so that the same inputs give the same
 * image. Forge puts a random seed into the recipe when none is given, so that
 * the values agree within one run.
 */
public final class Reproducible {
    private Reproducible() {
    }

    /** {@code n} bytes (at most 32) derived from the seed for one purpose, e.g. {@code "esp-serial"}. */
    public static byte[] bytes(Recipe recipe, String purpose, int n) {
        String seed = recipe.get(RecipeSettings.SEED);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("liveng\0" + seed + "\0" + purpose).getBytes(StandardCharsets.UTF_8));
            byte[] d = md.digest();
            byte[] out = new byte[n];
            System.arraycopy(d, 0, out, 0, n);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 32-bit value derived from the seed. */
    public static long u32(Recipe recipe, String purpose) {
        byte[] b = bytes(recipe, purpose, 4);
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    /**
     * An ISO 9660 "UUID" (a volume modification date as blkid shows it,
     * {@code YYYY-MM-DD-HH-mm-ss-cc}) derived from the seed: a valid date in
     * 2000-2099, distinct per purpose with overwhelming probability.
     */
    public static String isoUuid(Recipe recipe, String purpose) {
        byte[] b = bytes(recipe, purpose, 8);
        return String.format("%04d-%02d-%02d-%02d-%02d-%02d-%02d", 2000 + u(b[0]) % 100, 1 + u(b[1]) % 12, 1 + u(b[2]) % 28,
                u(b[3]) % 24, u(b[4]) % 60, u(b[5]) % 60, u(b[6]) % 100);
    }

    /** The time for every date written: the recipe's source-date-epoch, else $SOURCE_DATE_EPOCH, else now. */
    public static Instant time(Recipe recipe) {
        String v = recipe.get(RecipeSettings.SOURCE_DATE_EPOCH);
        if (v == null || v.isEmpty()) {
            v = System.getenv("SOURCE_DATE_EPOCH");
        }
        if (v != null && v.matches("\\d{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(v));
        }
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static int u(byte b) {
        return b & 0xFF;
    }
}
