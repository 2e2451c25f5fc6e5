import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;

import org.liveng.format.luks2.AesXts;
import org.liveng.format.luks2.Kdf;

/**
 * Part of bench/crypt.sh: liveng's AES-256-XTS throughput per CPU-second (one
 * thread, 1 MiB batches as CryptChannel encrypts them) for 512- and 4096-byte
 * sectors, and the wall and process CPU time of one Argon2id derivation with the
 * given costs (what forge pays once per keyslot).
 *
 * Usage: java -cp JARS CryptBench.java MIB ARGON2_TIME ARGON2_MEMORY_KIB ARGON2_PARALLEL
 * (XTS: best of 3 rounds of MIB MiB each)
 */
public class CryptBench {
    public static void main(String[] args) throws Exception {
        int mib = Integer.parseInt(args[0]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        byte[] buf = new byte[1 << 20];
        new SecureRandom().nextBytes(buf);
        for (int sector : new int[] { 512, 4096 }) {
            try (AesXts x = new AesXts(key.clone())) {
                for (int i = 0; i < 64; i++) { // warm-up: C2 and the AES intrinsics
                    x.encrypt(buf, 0, buf.length, i * 2048L, sector, sector / 512);
                }
                double best = 0; // best of 3 rounds: the machine is shared
                for (int round = 0; round < 3; round++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < mib; i++) {
                        x.encrypt(buf, 0, buf.length, i * 2048L, sector, sector / 512);
                    }
                    best = Math.max(best, mib / ((mx.getCurrentThreadCpuTime() - c0) / 1e9));
                }
                System.out.printf("xts-%d %.1f%n", sector, best);
            }
        }
        long time = Long.parseLong(args[1]);
        long mem = Long.parseLong(args[2]);
        int par = Integer.parseInt(args[3]);
        byte[] salt = new byte[32];
        long w0 = System.nanoTime();
        long c0 = processCpu();
        Kdf.argon2id(time, mem, par).derive("bench passphrase".getBytes(), salt, 64);
        System.out.printf("argon2-wall-ms %d%n", (System.nanoTime() - w0) / 1_000_000);
        System.out.printf("argon2-cpu-ms %d%n", (processCpu() - c0) / 1_000_000);
    }

    /** CPU time of the whole JVM (JIT compiler and GC threads included, as in a forge run). */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
