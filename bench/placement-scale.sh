#!/usr/bin/env bash
# How placement's cost-model search scales: builds graphs of N kernel groups
# (a chain of matmul, cumsum (host only) and softmax, so host islands form
# and every group is a candidate move) and reports -pagoda-graph-place's
# time from -mlir-timing, side by side with the capability-only placement.
#   bench/placement-scale.sh [BUILD_DIR] [N...]
set -euo pipefail
BUILD=${1:-build}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(300 1000 3000 10000)
OPT="$BUILD/bin/pagoda-opt"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

place_ms() { # file options
  "$OPT" "$1" -pagoda-graph-fuse "-pagoda-graph-place=$2" -mlir-timing -o /dev/null 2>&1 |
    awk '/GraphPlace/ { printf "%.1f", $1 * 1000 }'
}

printf '%8s  %14s  %16s\n' groups "cost model ms" "capability ms"
for n in "${SIZES[@]}"; do
  f="$TMP/chain$n.mlir"
  awk -v n="$n" 'BEGIN {
    t = "tensor<64x64xf32>"
    print "func.func @chain(%x: " t ", %w: " t ") -> " t " {"
    cur = "%x"
    for (i = 0; i < n; ++i) {
      if (i % 3 == 0)
        print "  %v" i " = graph.matmul " cur ", %w : (" t ", " t ") -> " t
      else if (i % 3 == 1)
        print "  %v" i " = graph.cumsum " cur " {axis = 0 : i64, exclusive = false, reverse = false} : (" t ") -> " t
      else
        print "  %v" i " = graph.softmax " cur " {axis = 1 : i64} : " t
      cur = "%v" i
    }
    print "  return " cur " : " t
    print "}"
  }' > "$f"
  printf '%8d  %14s  %16s\n' "$n" "$(place_ms "$f" cost-model=true)" "$(place_ms "$f" cost-model=false)"
done
