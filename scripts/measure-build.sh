#!/usr/bin/env bash
# Measures a clean build and an incremental rebuild of one file, with MLIR
# linked as the shared libMLIR.so and as static libraries, without ccache.
# Prints a Markdown table for docs/development.md. Takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
OUT=${1:-/tmp/pagoda-measure}
TOUCHED=lib/Dialect/NPU/IR/NPUOps.cpp
export CCACHE_DISABLE=1

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

echo "| MLIR linked as | clean build (s) | rebuild after touching $TOUCHED (s) | link pagoda-opt (s) | pagoda-opt size (MB) | pagoda-opt startup (ms) |"
echo "|---|---|---|---|---|---|"
for mode in ON OFF; do
  dir=$OUT/dylib-$mode
  rm -rf "$dir"
  cmake -G Ninja -S "$SRC" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DPAGODA_MLIR_DYLIB=$mode \
    -DCMAKE_CXX_COMPILER_LAUNCHER= -DCMAKE_C_COMPILER_LAUNCHER= >/dev/null
  t0=$(now); ninja -C "$dir" >/dev/null; t1=$(now)
  touch "$SRC/$TOUCHED"
  t2=$(now); ninja -C "$dir" >/dev/null; t3=$(now)
  rm -f "$dir/bin/pagoda-opt"
  t4=$(now); ninja -C "$dir" pagoda-opt >/dev/null; t5=$(now)
  size=$(python3 -c "import os; print(f'{os.path.getsize(\"$dir/bin/pagoda-opt\")/1e6:.1f}')")
  s0=$(now); for i in 1 2 3 4 5 6 7 8 9 10; do "$dir/bin/pagoda-opt" --version >/dev/null; done; s1=$(now)
  startup=$(python3 -c "print(f'{($s1 - $s0) * 100:.0f}')")
  label=$([ $mode = ON ] && echo "shared libMLIR.so" || echo "static libMLIR*.a")
  echo "| $label | $(secs $t0 $t1) | $(secs $t2 $t3) | $(secs $t4 $t5) | $size | $startup |"
done
