package org.liveng.crypt.luks.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Setting;
import org.liveng.api.recipe.Sizes;
import org.liveng.format.luks2.Kdf;

/**
 * The LUKS parameters a recipe asks for, checked against what the target
 * machines can unlock. Argon2 needs its whole memory cost at unlock time, in
 * the initramfs of the smallest machine the stick is meant for: by default the
 * memory is fitted to a quarter of {@code persistence.min-ram} and capped at
 * 1 GiB (cryptsetup's own cap); an explicit cost above that quarter is refused.
 *
 * @param format {@code luks2} or {@code luks1}
 * @param kdf the keyslot's KDF with its costs
 * @param sectorSize encryption sector size in bytes
 * @param keyBits volume key size (AES-256-XTS: 512)
 * @param minRam bytes of RAM of the smallest target machine
 */
public record LuksParameters(String format, Kdf kdf, int sectorSize, int keyBits, long minRam) {
    public static final String CIPHER = "aes-xts-plain64";
    public static final int KEY_BITS = 512;
    /** cryptsetup's cap of the Argon2 memory cost it chooses itself. */
    public static final long MAX_AUTO_MEMORY_KIB = 1024 * 1024;
    /** cryptsetup's limits for new keyslots: Argon2 memory >= 32 KiB, parallelism <= 4; PBKDF2 >= 1000 iterations. */
    public static final long MIN_MEMORY_KIB = 32;
    public static final int MAX_PARALLEL = 4;
    /** cryptsetup refuses Argon2 time costs below 4 for new keyslots. */
    public static final long MIN_ARGON2_TIME = 4;
    public static final long MIN_PBKDF2_ITERATIONS = 1000;

    /**
     * Parses and checks; every problem goes to {@code problems} (complete
     * sentences naming the setting), and the result is {@code null} when there
     * was any.
     */
    public static LuksParameters of(Recipe recipe, String format, List<String> problems) {
        int before = problems.size();
        boolean luks1 = format.equals("luks1");
        String kdfName = recipe.get(RecipeSettings.KDF);
        if (kdfName.equals("auto")) {
            kdfName = luks1 ? Kdf.PBKDF2 : Kdf.ARGON2ID;
        }
        if (!List.of(Kdf.ARGON2ID, Kdf.ARGON2I, Kdf.PBKDF2).contains(kdfName)) {
            problems.add("persistence.kdf=" + kdfName + " is not a KDF LUKS knows (argon2id, argon2i, pbkdf2, auto).");
        } else if (luks1 && !kdfName.equals(Kdf.PBKDF2)) {
            problems.add("persistence.kdf=" + kdfName + " does not exist in LUKS1 (its keyslots only know pbkdf2): use luks2 or "
                    + "persistence.kdf=pbkdf2.");
        }
        String sector = recipe.get(RecipeSettings.SECTOR_SIZE);
        int sectorSize = sector.equals("auto") ? (luks1 ? 512 : 4096) : sector.matches("\\d{3,4}") ? Integer.parseInt(sector) : -1;
        if (luks1 && sectorSize != 512) {
            problems.add("persistence.sector-size=" + sector + " is not possible with LUKS1 (512-byte sectors only): use luks2 or 512.");
        } else if (!List.of(512, 1024, 2048, 4096).contains(sectorSize)) {
            problems.add("persistence.sector-size=" + sector + " is not 512, 1024, 2048, 4096 or auto.");
        }
        long minRam = Sizes.parse(recipe.get(RecipeSettings.MIN_RAM));
        if (minRam < 64L << 20) {
            problems.add("persistence.min-ram=" + recipe.get(RecipeSettings.MIN_RAM) + " is not a RAM size of at least 64M.");
        }
        Kdf kdf = null;
        if (kdfName.equals(Kdf.PBKDF2)) {
            long iterations = number(recipe, RecipeSettings.KDF_ITERATIONS, MIN_PBKDF2_ITERATIONS, Kdf.MAX_PBKDF2_ITERATIONS, problems);
            kdf = Kdf.pbkdf2("sha256", iterations);
        } else {
            long time = number(recipe, RecipeSettings.KDF_TIME, MIN_ARGON2_TIME, Kdf.MAX_ARGON2_TIME, problems);
            long parallel = number(recipe, RecipeSettings.KDF_PARALLEL, 1, MAX_PARALLEL, problems);
            long allowedKiB = Math.max(0, minRam) / 4 / 1024;
            String mem = recipe.get(RecipeSettings.KDF_MEMORY);
            long memoryKiB;
            if (mem.equals("auto")) {
                memoryKiB = Math.min(allowedKiB, MAX_AUTO_MEMORY_KIB);
            } else {
                long bytes = Sizes.parse(mem);
                memoryKiB = bytes < 0 ? -1 : bytes / 1024;
                if (memoryKiB < MIN_MEMORY_KIB || memoryKiB < 8 * parallel) {
                    problems.add("persistence.kdf-memory=" + mem + " is not an Argon2 memory cost of at least 32K (and 8K per thread).");
                } else if (memoryKiB > allowedKiB && minRam > 0) {
                    problems.add("persistence.kdf-memory=" + mem + " is more than a machine with persistence.min-ram="
                            + recipe.get(RecipeSettings.MIN_RAM) + " can spend unlocking in its initramfs (at most a quarter, "
                            + allowedKiB / 1024 + " MiB): the passphrase would be refused there; lower persistence.kdf-memory "
                            + "or raise persistence.min-ram.");
                } else if (memoryKiB > Kdf.MAX_ARGON2_MEMORY_KIB) {
                    problems.add("persistence.kdf-memory=" + mem + " is more than 4G, the most LUKS2 readers accept.");
                }
            }
            kdf = kdfName.equals(Kdf.ARGON2I) ? Kdf.argon2i(time, memoryKiB, (int) parallel) : Kdf.argon2id(time, memoryKiB, (int) parallel);
        }
        return problems.size() > before ? null : new LuksParameters(format, kdf, sectorSize, KEY_BITS, minRam);
    }

    /** Like {@link #of(Recipe, String, List)}, but problems are a {@code USAGE} error. */
    public static LuksParameters require(Recipe recipe, String format) throws LivengException {
        List<String> problems = new ArrayList<>();
        LuksParameters p = of(recipe, format, problems);
        if (p == null) {
            throw new LivengException(ErrorCodes.USAGE, "cannot make the " + format + " persistence: " + String.join(" ", problems),
                    "change the persistence.* settings (see docs/recipe.md)");
        }
        return p;
    }

    private static long number(Recipe recipe, Setting s, long min, long max, List<String> problems) {
        String v = recipe.get(s);
        if (v.matches("\\d{1,12}")) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        problems.add(s.name() + "=" + v + " is not a whole number from " + min + " to " + max + ".");
        return min;
    }

    /** What goes into the manifest: cipher, sizes and KDF costs; never a secret. */
    public Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("cipher", CIPHER);
        m.put("key-bits", Integer.toString(keyBits));
        m.put("sector-size", Integer.toString(sectorSize));
        m.put("kdf", kdf.type());
        if (kdf.isArgon2()) {
            m.put("kdf-time", Long.toString(kdf.iterations()));
            m.put("kdf-memory-kib", Long.toString(kdf.memoryKiB()));
            m.put("kdf-parallel", Integer.toString(kdf.cpus()));
        } else {
            m.put("kdf-hash", kdf.hash());
            m.put("kdf-iterations", Long.toString(kdf.iterations()));
        }
        m.put("min-ram", Long.toString(minRam));
        return m;
    }
}
