#!/usr/bin/env bash
# Builds pagoda's libFuzzer targets with clang into build-fuzz and runs each
# for a bounded time (PAGODA_FUZZ_SECONDS, default 60) from a seed corpus
# made of the test inputs. A crash or a broken round trip fails the script
# and leaves the reproducer in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${PAGODA_FUZZ_SECONDS:-60}
BUILD=${PAGODA_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang-22 CXX=clang++-22 cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPAGODA_FUZZ=ON >/dev/null
cmake --build "$BUILD" --target pagoda-fuzz-isa pagoda-fuzz-artifact pagoda-test-make-model

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp test/tools/pagoda/Inputs/*.s "$corpus/"
if [ -x build/bin/pagoda ]; then
  for s in test/tools/pagoda/Inputs/*.s; do
    build/bin/pagoda as "$s" -o "$corpus/$(basename "$s").pco"
  done
fi
mkdir -p "$BUILD/crashes"
echo "fuzz: pagoda-fuzz-isa for ${SECONDS_EACH}s"
"$BUILD/bin/pagoda-fuzz-isa" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
  -artifact_prefix="$BUILD/crashes/" "$corpus" 2>&1 | tail -4

models=$(mktemp -d)
trap 'rm -rf "$corpus" "$models"' EXIT
"$BUILD/bin/pagoda-test-make-model" "$models/sample.pgd"
echo "fuzz: pagoda-fuzz-artifact for ${SECONDS_EACH}s"
"$BUILD/bin/pagoda-fuzz-artifact" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
  -artifact_prefix="$BUILD/crashes/" "$models" 2>&1 | tail -4
