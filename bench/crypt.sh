#!/usr/bin/env bash
# Encryption benchmark, in one invocation, reported as ratios to references
# measured in the same run:
#   - liveng's AES-256-XTS (one thread, per CPU-second) vs `openssl speed -evp
#     aes-256-xts` (one process = one core), 512- and 4096-byte sectors;
#     goal >= 0.25x;
#   - `liveng forge` with luks2 (default KDF: argon2id fitted to
#     persistence.min-ram=1G, i.e. 256 MiB, t=4, p=4) vs with none, on the same
#     ISO; goal: the extra time <= the Argon2 cost + 10%, the Argon2 cost being
#     one derivation with the same parameters timed alone in this run.
#
# Usage: bench/crypt.sh [ISO] [RUNS]   (default: the fixture ISO, 3 runs; medians)
# Needs the built product (tools/mvn -B -DskipTests verify) and openssl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
iso="${1:-$(bash "$root/tests/fixtures/live-iso/build.sh" --print-path)}"
runs="${2:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/liveng-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
plugins="$(ls -d "$root"/product/target/products/org.liveng.product/linux/gtk/x86_64/liveng/plugins)"
cp="$(ls "$plugins"/org.liveng.format.luks2_*.jar "$plugins"/org.liveng.api_*.jar "$plugins"/bcprov*.jar | tr '\n' ':')"

# XTS and Argon2 alone (CryptBench.java, run as a source file on the product's jars, with the
# collector and heap bin/liveng gives forge)
java -XX:+UseSerialGC -Xms1g -Xmn700m -cp "$cp" "$root/bench/CryptBench.java" 512 4 262144 4 > "$work/java.txt"
val() { awk -v k="$1" '$1 == k {print $2}' "$work/java.txt"; }
ossl() { # MiB/s from openssl's table (1000s of bytes per second, last column), best of 3 runs like ours
  for i in 1 2 3; do
    openssl speed -evp aes-256-xts -bytes "$1" -seconds 2 2>/dev/null | awk '/^(aes-256-xts|AES-256-XTS)/ {v=$NF} END {sub(/k$/, "", v); printf "%.1f\n", v * 1000 / 1048576}'
  done | sort -n | tail -1
}
o512=$(ossl 512); o4096=$(ossl 4096)

# forge luks2 vs none, interleaved
umask 077
printf '%s' 'bench passphrase' > "$work/pass"
none_t=(); luks_t=(); none_c=(); luks_c=()
TIMEFORMAT='%3U %3S'
cpu_ms() { awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu"; } # user + sys of the last timed forge
"$root/liveng" --help >/dev/null
for ((r = 0; r < runs; r++)); do
  rm -f "$work"/*.img "$work"/*.json
  t0=$(now); { time "$root/liveng" forge "$iso" "$work/none.img" persistence.size=1G persistence.encryption=none >/dev/null 2>&1; } 2> "$work/cpu"; t1=$(now)
  none_t+=( "$(ms "$t0" "$t1")" ); none_c+=( "$(cpu_ms)" )
  t0=$(now); { time "$root/liveng" forge --passphrase-file "$work/pass" "$iso" "$work/luks.img" persistence.size=1G persistence.encryption=luks2 >/dev/null 2>&1; } 2> "$work/cpu"; t1=$(now)
  luks_t+=( "$(ms "$t0" "$t1")" ); luks_c+=( "$(cpu_ms)" )
done
n=$(printf '%s\n' "${none_t[@]}" | median); l=$(printf '%s\n' "${luks_t[@]}" | median)
nc=$(printf '%s\n' "${none_c[@]}" | median); lc=$(printf '%s\n' "${luks_c[@]}" | median)
a=$(val argon2-wall-ms); ac=$(val argon2-cpu-ms)

echo "input: $iso ($(stat -c %s "$iso") bytes), $runs forge runs, medians"
printf 'XTS 512-byte sectors   liveng %7.1f MiB/s   openssl %7.1f MiB/s   %.2fx   (goal >= 0.25x)\n' \
  "$(val xts-512)" "$o512" "$(awk -v a="$(val xts-512)" -v b="$o512" 'BEGIN{print a/b}')"
printf 'XTS 4096-byte sectors  liveng %7.1f MiB/s   openssl %7.1f MiB/s   %.2fx   (goal >= 0.25x)\n' \
  "$(val xts-4096)" "$o4096" "$(awk -v a="$(val xts-4096)" -v b="$o4096" 'BEGIN{print a/b}')"
printf 'Argon2id 256 MiB t=4 p=4 alone  %6d ms wall  %6d ms CPU\n' "$a" "$ac"
printf 'forge persistence none          %6d ms wall  %6d ms CPU\n' "$n" "$nc"
printf 'forge persistence luks2         %6d ms wall  %6d ms CPU\n' "$l" "$lc"
printf 'luks2 extra: wall %d ms = %.2fx the Argon2 wall time; CPU %d ms = %.2fx the Argon2 CPU time   (goal <= 1.10x)\n' \
  "$((l - n))" "$(awk -v e="$((l - n))" -v a="$a" 'BEGIN{print e/a}')" "$((lc - nc))" "$(awk -v e="$((lc - nc))" -v a="$ac" 'BEGIN{print e/a}')"
