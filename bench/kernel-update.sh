#!/usr/bin/env bash
# Kernel update benchmark: `liveng kernel update` of a forged image (ab-slots) against two references on the same
# kernel + initrd and disk, in the same invocation, reported as ratios:
#   - a plain copy of the same kernel + initrd bytes into the slot partition + sync (the least any tool must do),
#     goal <= 1.2x;
#   - the original liveng procedure: xorrisofs a slot image from the kernel + initrd, dd it into the partition, sync.
# The fixed cost of the command is measured too: the same `liveng kernel update` with a release older than the stick's
# (refused after JVM start-up, opening the stick and reading the slot manifests, before anything is hashed or written);
# "update - refused" is the update's own work.
#
# Inputs: the fixture ISO's kernel and initrd (the fixture's newer kernel package if present), forged once into
# an image file (not timed). Each update run starts from that forged image (copied, not timed).
#
# Usage: bench/kernel-update.sh [ISO] [RUNS]     default: the fixture ISO, 5 runs, medians.
# Needs the built product (tools/mvn -B -DskipTests verify), xorriso, gdisk, dpkg-deb.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
iso="${1:-$(bash "$root/tests/fixtures/live-iso/build.sh" --print-path)}"
runs="${2:-5}"
work="$(mktemp -d "${TMPDIR:-/tmp}/liveng-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

xorriso -osirrox on -indev "$iso" -extract /live "$work/live" >/dev/null 2>&1
chmod -R u+w "$work/live"
initrd=$(ls "$work"/live/initrd.img-* | head -1)
kernel=$(ls "$work"/live/vmlinuz-* | head -1)
version=""
upd="$(dirname "$iso")/kernel-update"
if [[ -f $upd/manifest ]]; then
  deb=$(ls "$upd"/linux-image-[0-9]*.deb | head -1)
  dpkg-deb -x "$deb" "$work/deb"
  kernel=$(ls "$work"/deb/boot/vmlinuz-* | head -1)
else
  version="--version 9.9.9-bench"
fi
bytes=$(( $(stat -c %s "$kernel") + $(stat -c %s "$initrd") ))

"$root/liveng" forge "$iso" "$work/base.img" persistence.size=64M persistence.encryption=none agent.install=false reproducible.seed=bench >/dev/null
read -r slot_start slot_end < <(sgdisk -i 3 "$work/base.img" | awk '/First sector/ {s=$3} /Last sector/ {e=$3} END {print s, e}')
sgdisk -i 3 "$work/base.img" | grep -q "LIVENG_KERNEL_B" || { echo "partition 3 is not LIVENG_KERNEL_B" >&2; exit 1; }

copy_t=() upd_t=() stat_t=() ref_t=()
for ((r = 0; r < runs; r++)); do
  cp --sparse=always "$work/base.img" "$work/stick.img"
  sync -f "$work/stick.img"
  # plain copy of the same bytes into the slot partition
  t0=$(now)
  cat "$kernel" "$initrd" | dd of="$work/stick.img" bs=1M seek=$(( slot_start * 512 ))B oflag=seek_bytes conv=notrunc status=none
  sync -f "$work/stick.img"
  t1=$(now); copy_t+=( "$(ms "$t0" "$t1")" )
  # the original procedure: a slot ISO by xorrisofs, dd into the partition
  t0=$(now)
  rm -rf "$work/slot"; mkdir -p "$work/slot/live"
  cp "$kernel" "$work/slot/live/vmlinuz"; cp "$initrd" "$work/slot/live/initrd.img"
  xorrisofs -quiet -R -V LIVENG_KERNEL_B -o "$work/slot.iso" "$work/slot"
  dd if="$work/slot.iso" of="$work/stick.img" bs=1M seek=$(( slot_start * 512 ))B oflag=seek_bytes conv=notrunc status=none
  sync -f "$work/stick.img"
  t1=$(now); ref_t+=( "$(ms "$t0" "$t1")" )
  cp --sparse=always "$work/base.img" "$work/stick.img"
  sync -f "$work/stick.img"
  t0=$(now)
  if "$root/liveng" kernel update --kernel "$kernel" --initrd "$initrd" --version 0.0.1 "$work/stick.img" >/dev/null 2>&1; then
    echo "the downgrade to 0.0.1 was not refused" >&2; exit 1
  fi
  t1=$(now); stat_t+=( "$(ms "$t0" "$t1")" )
  # shellcheck disable=SC2086
  t0=$(now); "$root/liveng" kernel update --kernel "$kernel" --initrd "$initrd" $version "$work/stick.img" >/dev/null
  t1=$(now); upd_t+=( "$(ms "$t0" "$t1")" )
done
c=$(printf '%s\n' "${copy_t[@]}" | median); u=$(printf '%s\n' "${upd_t[@]}" | median)
s=$(printf '%s\n' "${stat_t[@]}" | median); o=$(printf '%s\n' "${ref_t[@]}" | median)
w=$(( u > s ? u - s : 0 ))
echo "kernel $(basename "$kernel") + initrd $(basename "$initrd"): $bytes bytes, $runs runs, medians"
printf 'plain copy + sync                      %6d ms\n' "$c"
printf 'original xorrisofs + dd + sync         %6d ms   %sx copy\n' "$o" "$(ratio "$o" "$c")"
printf 'liveng kernel update, refused (fixed)  %6d ms\n' "$s"
printf 'liveng kernel update (incl. JVM start) %6d ms   %sx copy, %sx the original\n' "$u" "$(ratio "$u" "$c")" "$(ratio "$u" "$o")"
printf 'update - refused (the update itself)   %6d ms   %sx copy   (goal <= 1.2x)\n' "$w" "$(ratio "$w" "$c")"
