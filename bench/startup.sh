#!/usr/bin/env bash
# Start-up benchmark: how long `liveng --help` takes (JVM + Equinox + DS +
# Gogo + the command), against a reference run in the same invocation: a bare
# JVM printing its version with the same flags. Reports medians and the ratio.
#
# Usage: bench/startup.sh [RUNS]   (default 15; run after building the product)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-15}"
liveng="$root/liveng"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$liveng" --help >/dev/null # warm the framework storage cache once

measure() { # prints milliseconds of one run of "$@"
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

ref=() ; cli=()
for ((i = 0; i < runs; i++)); do   # interleaved, so machine noise hits both alike
  ref+=( "$(measure "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version)" )
  cli+=( "$(measure "$liveng" --help)" )
done
ref_med=$(printf '%s\n' "${ref[@]}" | median)
cli_med=$(printf '%s\n' "${cli[@]}" | median)
cli_max=$(printf '%s\n' "${cli[@]}" | sort -n | tail -1)
printf 'runs: %d (interleaved)\n' "$runs"
printf 'reference  java -version          median %5d ms\n' "$ref_med"
printf 'liveng     liveng --help          median %5d ms  (max %d ms)\n' "$cli_med" "$cli_max"
awk -v a="$cli_med" -v b="$ref_med" 'BEGIN { printf "ratio      liveng --help / bare JVM   %.1fx\n", a / b }'
awk -v a="$cli_med" 'BEGIN { printf "target     liveng --help <= 1000 ms: %s\n", (a <= 1000) ? "met" : "NOT met" }'
