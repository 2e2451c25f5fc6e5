#!/usr/bin/env bash
# Forge benchmark: `liveng forge` against two references on the same input and
# disk, in the same invocation, reported as ratios:
#   - cp of the ISO (the least any tool must do: move the ISO's bytes), goal forge <= 1.1x;
#   - the original liveng shell procedure (remaster the ISO with xorriso, write a
#     kernel partition image, partition with sgdisk, mkfs.vfat + mcopy the ESP,
#     mkfs.ext4 the persistence, dd everything into place), goal forge >= 3x faster.
#
# Usage: bench/forge.sh [ISO] [RUNS]   (default: the fixture ISO, 3 runs; median reported)
# Needs the built product (tools/mvn -B -DskipTests verify) and xorriso, gdisk,
# dosfstools, mtools, e2fsprogs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
iso="${1:-$(bash "$root/tests/fixtures/live-iso/build.sh" --print-path)}"
runs="${2:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/liveng-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

reference_shell() { # the original liveng recipe, as a script would do it
  local out="$1" t="$work/ref"
  rm -rf "$t"; mkdir -p "$t/tree" "$t/slot/live" "$t/esp"
  xorriso -osirrox on -indev "$iso" -extract / "$t/tree" >/dev/null 2>&1
  chmod -R u+w "$t/tree"
  local k i
  k=$(ls "$t"/tree/live/vmlinuz-* | head -1); i=$(ls "$t"/tree/live/initrd.img-* | head -1)
  cp "$k" "$t/slot/live/vmlinuz"; cp "$i" "$t/slot/live/initrd.img"
  rm -rf "$t/tree/isolinux" "$t/tree/boot" "$t/tree/EFI"
  mv "$t/tree/live/$(basename "$k")" "$t/tree/live/vmlinuz"; mv "$t/tree/live/$(basename "$i")" "$t/tree/live/initrd.img"
  xorrisofs -quiet -R -J -V LIVENG_SYSTEM -o "$t/system.iso" "$t/tree"
  xorrisofs -quiet -R -V LIVENG_SYSTEM2 -o "$t/slot.iso" "$t/slot"
  local sys_mib=$(( ($(stat -c %s "$t/system.iso") >> 20) + 2 ))
  truncate -s $(( sys_mib + 256 + 256 + 64 + 1 + 1024 + 4 ))M "$out"
  sgdisk -q -n1:0:+${sys_mib}M -c1:LIVENG_SYSTEM -n2:0:+256M -c2:LIVENG_KERNEL_A -n3:0:+256M -c3:LIVENG_KERNEL_B \
    -n4:0:+64M -t4:ef00 -c4:LIVENG_EFI -n5:0:+1M -t5:ef02 -c5:'BIOS boot' -n6:0:+1024M -c6:persistence "$out"
  mkfs.vfat -C "$t/esp.img" $(( 64 * 1024 )) >/dev/null
  xorriso -osirrox on -indev "$iso" -extract /EFI "$t/esp/EFI" >/dev/null 2>&1
  mcopy -s -i "$t/esp.img" "$t/esp/EFI" ::/
  mkdir -p "$t/pers"; echo "/ union" > "$t/pers/persistence.conf"
  mkfs.ext4 -q -F -L persistence -d "$t/pers" "$t/pers.img" 1024M
  local s
  for n in 1 2 4 6; do
    s=$(sgdisk -i $n "$out" | awk '/First sector/ {print $3}')
    case $n in 1) f="$t/system.iso";; 2) f="$t/slot.iso";; 4) f="$t/esp.img";; 6) f="$t/pers.img";; esac
    dd if="$f" of="$out" bs=1M seek=$(( s * 512 ))B oflag=seek_bytes conv=notrunc,sparse status=none
  done
  sync -f "$out"
}

cp_t=(); forge_t=(); ref_t=()
"$root/liveng" --help >/dev/null
for ((r = 0; r < runs; r++)); do
  rm -f "$work"/*.img "$work"/*.json
  t0=$(now); cp "$iso" "$work/copy.img"; sync -f "$work/copy.img"; t1=$(now); cp_t+=( "$(ms "$t0" "$t1")" )
  t0=$(now); "$root/liveng" forge "$iso" "$work/forge.img" persistence.size=1G persistence.encryption=none >/dev/null 2>&1; t1=$(now); forge_t+=( "$(ms "$t0" "$t1")" )
  t0=$(now); reference_shell "$work/ref.img"; t1=$(now); ref_t+=( "$(ms "$t0" "$t1")" )
done
c=$(printf '%s\n' "${cp_t[@]}" | median); f=$(printf '%s\n' "${forge_t[@]}" | median); o=$(printf '%s\n' "${ref_t[@]}" | median)
echo "input: $iso ($(stat -c %s "$iso") bytes), $runs runs, medians"
printf 'cp of the ISO + sync            %7d ms\n' "$c"
printf 'liveng forge (incl. JVM start)  %7d ms   %.1fx cp   (goal <= 1.1x)\n' "$f" "$(awk -v a="$f" -v b="$c" 'BEGIN{print a/b}')"
printf 'original shell procedure        %7d ms   forge is %.2fx faster   (goal >= 3x)\n' "$o" "$(awk -v a="$o" -v b="$f" 'BEGIN{print a/b}')"
